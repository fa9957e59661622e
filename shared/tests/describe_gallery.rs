//! The textbook gallery: symmetry, coordination and bond lengths from `describe`, and snapshots
//! of the full descriptions.

use shared::describe::{DescribeOptions, Description, describe};
use shared::gallery::{Example, examples};
use shared::symmetry::{DEFAULT_SYMPREC, analyze};

fn describe_example(e: &Example) -> (u16, Description) {
    let structure = shared::io::parse(e.cif).unwrap_or_else(|err| panic!("{}: {err}", e.id));
    let symmetry = analyze(&structure, DEFAULT_SYMPREC).unwrap();
    (symmetry.number, describe(&structure, &symmetry, &DescribeOptions::default()))
}

#[test]
fn print_all() {
    for e in examples() {
        let (n, d) = describe_example(e);
        println!("{} {n}\n{}\n", e.id, d.text);
    }
}
