//! Host tests of the batch planner: options and their ranges, splitting inputs into requests,
//! the retry and hedge budgets, and reassembling results in input order.

// Full build only (`--no-default-features` leaves these modules out).
#![cfg(feature = "full")]
// Tables of expected plans hold one-range plans such as `&[0..3]`.
#![allow(clippy::single_range_in_vec_init)]

mod common;

use std::ops::Range;

use baseten_edge::core::batch::{
    global_indices, plan_batches, BatchOptions, Budget, Reassembly, EMBEDDING_SERVER_MAX_BATCH,
    MAX_BATCH_SIZE,
};
use baseten_edge::core::error::ErrorKind;
use common::rng::Rng;

fn opts(batch_size: usize, max_chars: Option<usize>) -> BatchOptions {
    BatchOptions {
        batch_size,
        max_chars_per_request: max_chars,
        ..BatchOptions::default()
    }
}

#[test]
fn defaults_are_valid() {
    let d = BatchOptions::default();
    assert_eq!(d.batch_size, 128);
    assert_eq!(d.max_concurrent_requests, 128);
    assert_eq!(d.max_chars_per_request, None);
    assert_eq!(d.max_retries, 2);
    assert_eq!(d.retry_budget, 0.05);
    assert_eq!(d.hedge_budget, 0.10);
    assert_eq!(d.hedge_delay_ms, None);
    assert!(d.validate().is_ok());
}

#[test]
fn option_ranges() {
    let ok = |o: BatchOptions| assert!(o.validate().is_ok(), "{o:?}");
    let bad = |o: BatchOptions, word: &str| {
        let e = o.validate().expect_err(word);
        assert_eq!(e.kind, ErrorKind::Configuration);
        assert!(e.message.contains(word), "{e:?} should mention {word}");
    };
    let d = BatchOptions::default;
    ok(BatchOptions {
        batch_size: 1,
        ..d()
    });
    ok(BatchOptions {
        batch_size: MAX_BATCH_SIZE,
        ..d()
    });
    bad(
        BatchOptions {
            batch_size: 0,
            ..d()
        },
        "batchSize",
    );
    bad(
        BatchOptions {
            batch_size: 1025,
            ..d()
        },
        "batchSize",
    );
    ok(BatchOptions {
        max_chars_per_request: Some(50),
        ..d()
    });
    ok(BatchOptions {
        max_chars_per_request: Some(256_000),
        ..d()
    });
    bad(
        BatchOptions {
            max_chars_per_request: Some(49),
            ..d()
        },
        "maxCharsPerRequest",
    );
    bad(
        BatchOptions {
            max_chars_per_request: Some(256_001),
            ..d()
        },
        "maxCharsPerRequest",
    );
    ok(BatchOptions {
        max_concurrent_requests: 1,
        ..d()
    });
    ok(BatchOptions {
        max_concurrent_requests: 1024,
        ..d()
    });
    bad(
        BatchOptions {
            max_concurrent_requests: 0,
            ..d()
        },
        "maxConcurrentRequests",
    );
    bad(
        BatchOptions {
            max_concurrent_requests: 1025,
            ..d()
        },
        "maxConcurrentRequests",
    );
    ok(BatchOptions {
        max_concurrent_requests: 512,
        batch_size: 1,
        ..d()
    });
    ok(BatchOptions {
        max_concurrent_requests: 513,
        batch_size: 16,
        ..d()
    });
    bad(
        BatchOptions {
            max_concurrent_requests: 513,
            batch_size: 15,
            ..d()
        },
        "512",
    );
    ok(BatchOptions {
        max_retries: 10,
        ..d()
    });
    bad(
        BatchOptions {
            max_retries: 11,
            ..d()
        },
        "maxRetries",
    );
    for share in [0.0, 0.5, 3.0] {
        ok(BatchOptions {
            retry_budget: share,
            hedge_budget: share,
            ..d()
        });
    }
    for share in [-0.1, 3.01, f64::NAN, f64::INFINITY] {
        bad(
            BatchOptions {
                retry_budget: share,
                ..d()
            },
            "retryBudget",
        );
        bad(
            BatchOptions {
                hedge_budget: share,
                ..d()
            },
            "hedgeBudget",
        );
    }
    ok(BatchOptions {
        hedge_delay_ms: Some(45.0),
        ..d()
    });
    ok(BatchOptions {
        hedge_delay_ms: Some(3_600_000.0),
        ..d()
    });
    for delay in [44.9, 0.0, -1.0, 3_600_001.0, f64::NAN, f64::INFINITY] {
        bad(
            BatchOptions {
                hedge_delay_ms: Some(delay),
                ..d()
            },
            "hedgeDelayMs",
        );
    }
    let hedged = BatchOptions {
        hedge_delay_ms: Some(500.0),
        ..d()
    };
    assert!(hedged.validate_with_timeout(None).is_ok());
    assert!(hedged.validate_with_timeout(Some(546.0)).is_ok());
    assert!(hedged.validate_with_timeout(Some(545.0)).is_err());
    assert!(d().validate_with_timeout(Some(100.0)).is_ok());
    let broken = BatchOptions {
        batch_size: 0,
        ..d()
    };
    assert!(broken.validate_with_timeout(None).is_err());
}

#[test]
fn plan_by_count() {
    // (n items, batch_size, expected ranges)
    let table: &[(usize, usize, &[Range<usize>])] = &[
        (0, 4, &[]),
        (1, 4, &[0..1]),
        (4, 4, &[0..4]),
        (5, 4, &[0..4, 4..5]),
        (9, 4, &[0..4, 4..8, 8..9]),
        (3, 1, &[0..1, 1..2, 2..3]),
        (3, 0, &[0..1, 1..2, 2..3]),
        (300, 128, &[0..128, 128..256, 256..300]),
    ];
    for (n, size, want) in table {
        let lengths = vec![10; *n];
        assert_eq!(
            plan_batches(&lengths, &opts(*size, None)),
            want.to_vec(),
            "{n} items by {size}"
        );
    }
}

#[test]
fn plan_by_chars() {
    // (lengths, batch_size, max_chars, expected ranges)
    type Row<'a> = (&'a [usize], usize, usize, &'a [Range<usize>]);
    let table: &[Row] = &[
        (&[30, 20, 10], 10, 60, &[0..3]),
        (&[30, 20, 10], 10, 50, &[0..2, 2..3]),
        (&[30, 30, 30], 10, 50, &[0..1, 1..2, 2..3]),
        // An item over the limit goes alone, wherever it is.
        (&[10, 200, 10], 10, 50, &[0..1, 1..2, 2..3]),
        (&[200, 10, 10], 10, 50, &[0..1, 1..3]),
        (&[10, 10, 200], 10, 50, &[0..2, 2..3]),
        (&[200, 300], 10, 50, &[0..1, 1..2]),
        // Count and chars both apply, whichever is hit first.
        (&[1, 1, 1, 1, 1], 2, 50, &[0..2, 2..4, 4..5]),
        (&[0, 0, 0], 10, 50, &[0..3]),
        (&[50, 0, 1], 10, 50, &[0..2, 2..3]),
        (&[usize::MAX, usize::MAX, 1], 10, 50, &[0..1, 1..2, 2..3]),
    ];
    for (lengths, size, max, want) in table {
        let got = plan_batches(lengths, &opts(*size, Some(*max)));
        assert_eq!(got, want.to_vec(), "{lengths:?} by {size} / {max} chars");
    }
}

#[test]
fn plans_cover_every_item_once_and_respect_limits() {
    // A deterministic pseudo-random sweep.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut next = |n: usize| rng.below(n);
    for _ in 0..300 {
        let n = next(60);
        let lengths: Vec<usize> = (0..n).map(|_| next(120)).collect();
        let size = 1 + next(10);
        let max = if next(2) == 0 {
            None
        } else {
            Some(50 + next(100))
        };
        let plan = plan_batches(&lengths, &opts(size, max));
        let mut expect_start = 0;
        for r in &plan {
            assert_eq!(r.start, expect_start, "contiguous");
            assert!(!r.is_empty() && r.len() <= size, "{r:?} size {size}");
            let chars: usize = lengths[r.clone()].iter().sum();
            if let Some(max) = max {
                assert!(chars <= max || r.len() == 1, "{r:?} has {chars} > {max}");
            }
            expect_start = r.end;
        }
        assert_eq!(expect_start, n);
    }
}

#[test]
fn budgets_round_up_with_a_floor_of_one() {
    // (share, total requests, granted)
    let table: &[(f64, usize, usize)] = &[
        (0.05, 0, 1),
        (0.05, 1, 1),
        (0.05, 20, 1),
        (0.05, 21, 2),
        (0.05, 100, 5),
        (0.10, 1000, 100),
        (0.10, 1001, 101),
        (1.0, 7, 7),
        (0.07, 100, 7),
        (0.1, 3, 1),
        (0.3, 10, 3),
        (0.35, 10, 4),
        (3.0, 7, 21),
        (0.0, 100, 0),
        (-1.0, 100, 0),
        (f64::NAN, 100, 0),
        (f64::INFINITY, 2, usize::MAX),
    ];
    for &(share, total, granted) in table {
        let b = Budget::new(share, total);
        assert_eq!(b.granted(), granted, "{share} of {total}");
        assert_eq!(b.remaining(), granted);
    }
    let b = Budget::new(0.05, 60);
    let taken = (0..10).filter(|_| b.try_take()).count();
    assert_eq!(taken, 3);
    assert_eq!(b.remaining(), 0);
    assert!(!b.try_take());
    assert_eq!(b.granted(), 3);
    // Shared by reference: takes through any handle count against the same allowance.
    let shared = Budget::new(0.5, 4);
    let (a, c) = (&shared, &shared);
    assert!(a.try_take() && c.try_take());
    assert!(!a.try_take() && !c.try_take());
}

#[test]
fn budgets_from_options() {
    let o = BatchOptions::default();
    assert_eq!(o.retry_budget_for(100).granted(), 5);
    assert_eq!(
        o.hedge_budget_for(100).granted(),
        0,
        "no hedge delay, no hedges"
    );
    let hedged = BatchOptions {
        hedge_delay_ms: Some(100.0),
        ..o
    };
    assert_eq!(hedged.hedge_budget_for(100).granted(), 10);
    let no_retries = BatchOptions {
        retry_budget: 0.0,
        ..hedged
    };
    assert!(!no_retries.retry_budget_for(100).try_take());
}

#[test]
fn reassembly_in_input_order() {
    let batches = [0..3, 3..5, 5..6];
    // Servers may return items of a batch in any order.
    let locals = vec![vec![2.0, 0.0, 1.0], vec![0.0, 1.0], vec![0.0]];
    assert_eq!(
        global_indices(&batches, &locals),
        Ok(vec![2, 0, 1, 3, 4, 5])
    );
    assert_eq!(global_indices(&[], &[]), Ok(vec![]));
    let mut r = Reassembly::new(4);
    assert_eq!(r.place(&(2..4), 1.0), Ok(3));
    assert_eq!(r.place(&(0..2), 0.0), Ok(0));
    let e = r.finish().unwrap_err();
    assert_eq!(e.code.as_deref(), Some("missing_index"));
    assert!(e.message.contains("input 1"), "{e:?}");
}

#[test]
fn reassembly_errors() {
    let batches = [0..2, 2..4];
    // (local indices, expected code)
    let table: &[(Vec<Vec<f64>>, &str)] = &[
        (vec![vec![0.0, 1.0], vec![0.0]], "missing_index"),
        (vec![vec![0.0, 1.0]], "missing_index"),
        (
            vec![vec![0.0, 1.0], vec![0.0, 1.0], vec![]],
            "missing_index",
        ),
        (vec![vec![0.0, 0.0], vec![0.0, 1.0]], "duplicate_index"),
        (vec![vec![0.0, 1.0, 1.0], vec![0.0, 1.0]], "duplicate_index"),
        (vec![vec![0.0, 2.0], vec![0.0, 1.0]], "invalid_index"),
        (vec![vec![0.0, -1.0], vec![0.0, 1.0]], "invalid_index"),
        (vec![vec![0.0, 0.5], vec![0.0, 1.0]], "invalid_index"),
        (vec![vec![0.0, f64::NAN], vec![0.0, 1.0]], "invalid_index"),
        (
            vec![vec![0.0, f64::INFINITY], vec![0.0, 1.0]],
            "invalid_index",
        ),
        (vec![vec![0.0, 1e300], vec![0.0, 1.0]], "invalid_index"),
        (vec![vec![], vec![0.0, 1.0, 2.0, 3.0]], "invalid_index"),
    ];
    for (locals, code) in table {
        let e = global_indices(&batches, locals).expect_err(code);
        assert_eq!(e.kind, ErrorKind::Decode, "{locals:?}");
        assert_eq!(e.code.as_deref(), Some(*code), "{locals:?}: {e:?}");
    }
    // Ranges that do not fit the reassembly are refused, never indexed out of bounds.
    let mut r = Reassembly::new(2);
    assert!(r.place(&(1..5), 3.0).is_err());
    #[allow(clippy::reversed_empty_ranges)]
    let backwards = 5..1;
    assert!(r.place(&backwards, 0.0).is_err());
    assert!(r.place(&(usize::MAX - 1..usize::MAX), 0.0).is_err());
}

#[test]
fn plan_then_reassemble_round_trip() {
    let lengths: Vec<usize> = (0..1000).map(|i| (i * 37) % 500).collect();
    let o = opts(16, Some(2000));
    let plan = plan_batches(&lengths, &o);
    // Each batch answers in reverse order, with local indices.
    let locals: Vec<Vec<f64>> = plan
        .iter()
        .map(|r| (0..r.len()).rev().map(|i| i as f64).collect())
        .collect();
    let globals = global_indices(&plan, &locals).expect("complete");
    let mut seen = globals.clone();
    seen.sort_unstable();
    assert_eq!(seen, (0..1000).collect::<Vec<_>>());
    assert_eq!(globals[0], plan[0].end - 1);
}

#[test]
fn the_embedding_server_limit_is_128_and_says_why() {
    assert_eq!(EMBEDDING_SERVER_MAX_BATCH, 128);
    for ok in [1.0, 64.0, 128.0] {
        assert!(
            BatchOptions::check_embedding_server("embed", ok).is_ok(),
            "{ok}"
        );
    }
    let e = BatchOptions::check_embedding_server("rerank", 129.0).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Configuration);
    assert!(
        e.message
            .starts_with("batchSize 129 is too large for rerank")
            && e.message
                .contains("more than 128 inputs in one request (413)"),
        "{e}"
    );
    assert!(BatchOptions::check_embedding_server("embed", 2000.0)
        .unwrap_err()
        .message
        .contains("too large for embed"));
    for bad in [0.0, -1.0, 2.5, f64::NAN] {
        let e = BatchOptions::check_embedding_server("classify", bad).unwrap_err();
        assert_eq!(
            e.message, "batchSize must be a whole number from 1 to 128 for classify",
            "{bad}"
        );
    }
    // The general range still allows more: only the embedding server's calls check the limit.
    assert!(opts(1024, None).validate().is_ok());
}
