//! Numbers: correctly rounded parsing (the same `f64` as JavaScript's `JSON.parse`) and
//! JavaScript's shortest round-trip writing, without core's float code.

use std::cmp::Ordering;
use std::fmt::Write as _;

// ---- numbers ----
//
// core's float parsing and printing would add about 22 KB (gzip) to the wasm, most of the size
// budget, so numbers are converted here: exact integers and Clinger's fast path for the common
// cases, and a small big-integer comparison for the rest, so that parsing is correctly rounded
// (the same `f64` as JavaScript's) and writing gives JavaScript's shortest round-trip text.

/// Powers of ten exactly representable as `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Significant digits kept when parsing; any further non-zero digit only breaks ties.
const MAX_DIGITS: usize = 800;

/// A non-negative integer of any size, in little-endian 32-bit limbs without leading zeros.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn mul_add_small(&mut self, m: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let x = u64::from(*limb) * u64::from(m) + carry;
            *limb = x as u32;
            carry = x >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut n: u32) {
        while n >= 13 {
            self.mul_add_small(1_220_703_125, 0);
            n -= 13;
        }
        if n > 0 {
            self.mul_add_small(5u32.pow(n), 0);
        }
    }

    fn shl(&mut self, n: u32) {
        let bits = n % 32;
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let next = *limb >> (32 - bits);
                *limb = (*limb << bits) | carry;
                carry = next;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if !self.0.is_empty() {
            self.0
                .splice(0..0, std::iter::repeat_n(0, (n / 32) as usize));
        }
    }

    /// Divides in place, returning the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.0.iter_mut().rev() {
            let x = (rem << 32) | u64::from(*limb);
            *limb = (x / u64::from(d)) as u32;
            rem = x % u64::from(d);
        }
        self.trim();
        rem as u32
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    /// The decimal digits (ASCII), most significant first; empty for zero.
    fn decimal(mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while !self.0.is_empty() {
            let mut chunk = self.div_small(1_000_000_000);
            for _ in 0..9 {
                out.push(b'0' + (chunk % 10) as u8);
                chunk /= 10;
            }
        }
        while out.last() == Some(&b'0') {
            out.pop();
        }
        out.reverse();
        out
    }
}

/// `c = mant * 2^exp2` for a finite non-negative `c`.
fn decompose(c: f64) -> (u64, i32) {
    let bits = c.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), exp - 1075)
    }
}

/// Compares `digits * 10^e10 (+ a little, when sticky)` with `h * 2^q`, exactly.
fn compare(digits: &Big, sticky: bool, e10: i32, h: u64, q: i32) -> Ordering {
    let mut lhs = digits.clone();
    let mut rhs = Big::from_u64(h);
    let mut lhs_p2 = 0;
    if e10 >= 0 {
        lhs.mul_pow5(e10.unsigned_abs());
        lhs_p2 = e10;
    } else {
        rhs.mul_pow5(e10.unsigned_abs());
        lhs_p2 += e10;
    }
    let shift = lhs_p2 - q;
    if shift > 0 {
        lhs.shl(shift.unsigned_abs());
    } else {
        rhs.shl(shift.unsigned_abs());
    }
    match lhs.cmp(&rhs) {
        Ordering::Equal if sticky => Ordering::Greater,
        ord => ord,
    }
}

/// `m * 10^e` in floating point: within a few units in the last place.
fn scale(m: f64, mut e: i32) -> f64 {
    let mut v = m;
    while e > 22 {
        v *= 1e22;
        e -= 22;
    }
    while e < -22 {
        v /= 1e22;
        e += 22;
    }
    let p = POW10.get(e.unsigned_abs() as usize).copied().unwrap_or(1.0);
    if e >= 0 {
        v * p
    } else {
        v / p
    }
}

/// The `f64` nearest to `digits * 10^e10` (ties to even), where `digits` are ASCII decimal
/// digits without leading zeros (at most [`MAX_DIGITS`]) and `sticky` says non-zero digits were
/// cut off after them.
fn decimal_to_f64(digits: &[u8], e10: i32, sticky: bool) -> f64 {
    if digits.is_empty() {
        return 0.0;
    }
    let magnitude = digits.len() as i32 + e10;
    if magnitude > 310 {
        return f64::INFINITY;
    }
    if magnitude < -324 {
        return 0.0;
    }
    let head = digits.get(..digits.len().min(19)).unwrap_or_default();
    let m = head
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    let rest = digits.len() - head.len();
    if rest == 0 && !sticky && m <= 1 << 53 && (-22..=22).contains(&e10) {
        // Both factors are exact: one rounding, so correctly rounded (Clinger's fast path).
        return scale(m as f64, e10);
    }
    let mut c = scale(m as f64, e10 + rest as i32);
    let mut big = Big(Vec::new());
    for &d in digits {
        big.mul_add_small(10, u32::from(d - b'0'));
    }
    if c.is_infinite() {
        c = f64::MAX;
    }
    for _ in 0..64 {
        let (mant, exp2) = decompose(c);
        // Halfway to the next double up.
        match compare(&big, sticky, e10, 2 * mant + 1, exp2 - 1) {
            Ordering::Greater => {
                c = f64::from_bits(c.to_bits() + 1);
                if c.is_infinite() {
                    return c;
                }
                continue;
            }
            Ordering::Equal => {
                return if mant & 1 == 1 {
                    f64::from_bits(c.to_bits() + 1)
                } else {
                    c
                };
            }
            Ordering::Less => {}
        }
        if c == 0.0 {
            return c;
        }
        // Halfway to the next double down (closer at a power of two).
        let (h, q) = if mant == 1 << 52 && exp2 > -1074 {
            (4 * mant - 1, exp2 - 2)
        } else {
            (2 * mant - 1, exp2 - 1)
        };
        match compare(&big, sticky, e10, h, q) {
            Ordering::Less => c = f64::from_bits(c.to_bits() - 1),
            Ordering::Equal if mant & 1 == 1 => return f64::from_bits(c.to_bits() - 1),
            _ => return c,
        }
    }
    c
}

/// Parses a number whose syntax was already checked: an optional `-`, digits with at most one
/// `.` (leading zeros and a leading or trailing `.` are fine), an optional exponent.
pub(crate) fn parse_number(text: &[u8]) -> f64 {
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mantissa_end = text
        .iter()
        .position(|&b| b == b'e' || b == b'E')
        .unwrap_or(text.len());
    let (mantissa, exponent) = text.split_at(mantissa_end);
    let exponent = exponent.get(1..).unwrap_or_default();
    let (exp_negative, exp_digits) = match exponent.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, exponent),
    };
    // Saturates: anything past a million is zero or infinite anyway.
    let exp = exp_digits.iter().fold(0i32, |acc, d| {
        (acc * 10 + i32::from(d - b'0')).min(1_000_000)
    });
    let exp = if exp_negative { -exp } else { exp };
    let mut digits = Vec::new();
    let mut e10 = exp;
    let mut sticky = false;
    let mut after_point = false;
    for &b in mantissa {
        if b == b'.' {
            after_point = true;
            continue;
        }
        if digits.is_empty() && b == b'0' {
            if after_point {
                e10 -= 1;
            }
            continue;
        }
        if digits.len() < MAX_DIGITS {
            digits.push(b);
            if after_point {
                e10 -= 1;
            }
        } else {
            sticky |= b != b'0';
            if !after_point {
                e10 += 1;
            }
        }
    }
    while digits.last() == Some(&b'0') {
        digits.pop();
        e10 += 1;
    }
    let value = decimal_to_f64(&digits, e10, sticky);
    if negative {
        -value
    } else {
        value
    }
}

/// How [`round_digits`] rounds.
#[derive(Clone, Copy, PartialEq)]
enum Round {
    Nearest,
    Down,
    Up,
}

/// Rounds `digits` (ASCII, with the decimal point `point` places in) to at most `p` significant
/// digits, without trailing zeros. `Nearest` rounds half to even; `Down` truncates; `Up` goes to
/// the next `p`-digit number when anything non-zero is cut.
fn round_digits(digits: &[u8], point: i32, p: usize, mode: Round) -> (Vec<u8>, i32) {
    let mut point = point;
    let mut out: Vec<u8> = digits.iter().take(p).copied().collect();
    if let Some((&next, rest)) = digits.get(p..).and_then(<[u8]>::split_first) {
        let nonzero_rest = rest.iter().any(|&d| d != b'0');
        let odd = out.last().is_some_and(|d| (d - b'0') % 2 == 1);
        let up = match mode {
            Round::Nearest => next > b'5' || (next == b'5' && (nonzero_rest || odd)),
            Round::Down => false,
            Round::Up => next != b'0' || nonzero_rest,
        };
        if up {
            let mut i = out.len();
            loop {
                if i == 0 {
                    // 99..9 rounded up: 10..0, one place further.
                    out.insert(0, b'1');
                    out.pop();
                    point += 1;
                    break;
                }
                i -= 1;
                match out.get_mut(i) {
                    Some(d) if *d == b'9' => *d = b'0',
                    Some(d) => {
                        *d += 1;
                        break;
                    }
                    None => break,
                }
            }
        }
    }
    while out.last() == Some(&b'0') {
        out.pop();
    }
    (out, point)
}

/// The shortest digits that read back as `n` (finite, positive), and the decimal point
/// position: `n = 0.DIGITS * 10^point`. Among the shortest, the nearest to `n` (ties to even),
/// as JavaScript chooses.
fn shortest_digits(n: f64) -> (Vec<u8>, i32) {
    let (mant, exp2) = decompose(n);
    let mut big = Big::from_u64(mant);
    let mut e10 = 0;
    if exp2 >= 0 {
        big.shl(exp2.unsigned_abs());
    } else {
        big.mul_pow5(exp2.unsigned_abs());
        e10 = exp2;
    }
    let exact = big.decimal();
    let point = exact.len() as i32 + e10;
    let reads_back = |(digits, point): &(Vec<u8>, i32)| {
        decimal_to_f64(digits, point - digits.len() as i32, false) == n
    };
    for p in 1..=17 {
        // The p-digit numbers next to n on either side are the only candidates: the nearest
        // first, then the other (the interval that reads back as n is lopsided at a power of 2).
        let near = round_digits(&exact, point, p, Round::Nearest);
        if reads_back(&near) {
            return near;
        }
        let down = round_digits(&exact, point, p, Round::Down);
        let other = if down == near {
            round_digits(&exact, point, p, Round::Up)
        } else {
            down
        };
        if reads_back(&other) {
            return other;
        }
    }
    round_digits(&exact, point, 17, Round::Nearest)
}

/// Appends a number as JSON, the way JavaScript's `JSON.stringify` writes it (`null` for NaN
/// and infinities, `0` for -0, the shortest text that reads back as the same `f64`).
pub fn write_number(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push_str("null");
        return;
    }
    if n == 0.0 {
        out.push('0');
        return;
    }
    if n < 0.0 {
        out.push('-');
    }
    let n = n.abs();
    if n.fract() == 0.0 && n < 1e21 && n <= (1u64 << 53) as f64 {
        let _ = write!(out, "{}", n as u64);
        return;
    }
    let (digits, point) = shortest_digits(n);
    // ASCII digits; byte slices keep str's slicing panics (and their formatting code) out.
    let push = |out: &mut String, bytes: Option<&[u8]>| {
        out.push_str(std::str::from_utf8(bytes.unwrap_or_default()).unwrap_or_default());
    };
    let k = digits.len() as i32;
    let at = point.unsigned_abs() as usize;
    if k <= point && point <= 21 {
        push(out, Some(&digits));
        out.extend(std::iter::repeat_n(
            '0',
            (point - k).unsigned_abs() as usize,
        ));
    } else if 0 < point && point <= 21 {
        push(out, digits.get(..at));
        out.push('.');
        push(out, digits.get(at..));
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', at));
        push(out, Some(&digits));
    } else {
        push(out, digits.get(..1));
        if digits.len() > 1 {
            out.push('.');
            push(out, digits.get(1..));
        }
        let e = point - 1;
        let _ = write!(
            out,
            "e{}{}",
            if e < 0 { '-' } else { '+' },
            e.unsigned_abs()
        );
    }
}
