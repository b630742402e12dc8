//! The cut points of the dump examples (`sse_dump`, `responses_dump`), which the differential
//! tests drive: included by each with `#[path]`, so the rule lives once.

/// Cut points from the arguments: explicit offsets, or piece sizes (the last one repeating).
pub fn cuts(args: &[String], len: usize) -> Result<Vec<usize>, String> {
    let number = |s: &str| {
        s.parse::<usize>()
            .map_err(|_| format!("not a number: {s:?}"))
    };
    if let Some(at) = args.iter().position(|a| a == "--at") {
        let list = args.get(at + 1).ok_or("--at needs a list")?;
        let mut out = Vec::new();
        for part in list.split(',').filter(|p| !p.is_empty()) {
            out.push(number(part)?.min(len));
        }
        out.sort_unstable();
        return Ok(out);
    }
    let sizes = args
        .iter()
        .map(|a| number(a))
        .collect::<Result<Vec<_>, _>>()?;
    if sizes.contains(&0) {
        return Err("a piece size must be at least 1".into());
    }
    let mut out = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    while let Some(&size) = sizes.get(i).or(sizes.last()) {
        pos += size;
        if pos >= len {
            break;
        }
        out.push(pos);
        i += 1;
    }
    Ok(out)
}
