//! Template folders: a house style that overrides one file of the built-in template.

use crate::support::pdf::number;
use crate::support::{Pdf, Test, repo_file};

const ACCENT: [f64; 3] = [29.0 / 255.0, 59.0 / 255.0, 92.0 / 255.0];
const RED: [f64; 3] = [139.0 / 255.0, 30.0 / 255.0, 30.0 / 255.0];

/// Whether an operation sets a colour close to `rgb`.
fn sets(operands: &[lopdf::Object], operator: &str, rgb: [f64; 3]) -> bool {
    matches!(operator, "sc" | "scn" | "SC" | "SCN" | "rg" | "RG")
        && operands.len() == 3
        && operands
            .iter()
            .zip(rgb)
            .all(|(o, c)| (number(o) - c).abs() < 0.002)
}

fn belarus(theme: Option<String>) -> Pdf {
    let mut test = Test::new().file("belarus.toml", repo_file("briefs/belarus.toml"));
    let mut args = vec!["pdf", "belarus.toml", "--quiet"];
    if let Some(theme) = theme {
        test = test.file("house/theme.typ", theme);
        args.extend(["--template", "house"]);
    }
    test.args(&args).run().pdf("belarus.pdf")
}

#[test]
fn a_folder_with_only_a_theme_changes_the_accent_and_nothing_else() {
    let theme = repo_file("templates/paper/theme.typ");
    let red = theme.replacen("accent: rgb(\"#1d3b5c\")", "accent: rgb(\"#8b1e1e\")", 1);
    assert_ne!(theme, red, "the theme names its accent as the test expects");
    let standard = belarus(None);
    let house = belarus(Some(red));

    assert_eq!(standard.text(), house.text());
    let (standard, house) = (standard.operations(), house.operations());
    assert_eq!(standard.len(), house.len(), "page count");
    let mut recoloured = 0;
    for (page, (ours, theirs)) in standard.iter().zip(&house).enumerate() {
        assert_eq!(ours.len(), theirs.len(), "operations on page {}", page + 1);
        for ((op_a, args_a), (op_b, args_b)) in ours.iter().zip(theirs) {
            assert!(
                !sets(args_b, op_b, ACCENT),
                "page {}: the old accent",
                page + 1
            );
            if sets(args_a, op_a, ACCENT) {
                // Where the standard paper sets its accent, the house paper sets red.
                assert_eq!(op_a, op_b);
                assert!(
                    sets(args_b, op_b, RED),
                    "page {}: {op_b} {args_b:?}",
                    page + 1
                );
                recoloured += 1;
            } else {
                assert_eq!((op_a, args_a), (op_b, args_b), "page {}", page + 1);
            }
        }
    }
    assert!(recoloured > 20, "only {recoloured} accent colours found");
}
