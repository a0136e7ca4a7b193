//! A brief's parts are its own: briefs in folders of their own, each with its own logo (SVG,
//! PNG or none) and some with their own template folder, give the same PDF bytes in a batch,
//! in any order and at any `--jobs`, as each built alone; and the cache keeps each brief's own
//! PDF under its own key.

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::support::Test;

/// A 2×1 PNG, one red and one blue pixel: a logo of another type than the SVGs.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x7b, 0x40, 0xe8,
    0xdd, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xf8, 0xcf, 0x00, 0x04,
    0xff, 0x01, 0x07, 0x00, 0x01, 0xff, 0x3d, 0x7d, 0x8c, 0x49, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// What a brief brings of its own.
#[derive(Debug, Clone, Copy)]
enum Logo {
    None,
    Svg(u8),
    Png,
}

/// A brief in folder `name/`, with its logo and, if `themed`, a template folder of its own
/// with another accent.
fn add(test: Test, name: &str, logo: Logo, themed: bool) -> Test {
    let mut style = String::new();
    let mut test = test;
    match logo {
        Logo::None => {}
        Logo::Svg(shade) => {
            style = "[style]\nlogo = \"logo.svg\"\nlogo_alt = \"Logo\"\n".into();
            let svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20"><rect width="{w}" height="20" fill="#{shade:02x}3344"/></svg>"##,
                w = 20 + u32::from(shade)
            );
            test = test.file(&format!("{name}/logo.svg"), svg);
        }
        Logo::Png => {
            style = "[style]\nlogo = \"logo.png\"\nlogo_alt = \"Logo\"\n".into();
            test = test.file(&format!("{name}/logo.png"), PNG);
        }
    }
    let template = if themed {
        let theme =
            crate::support::repo_file("templates/paper/theme.typ").replace("#1d3b5c", "#7a1f1f");
        test = test.file(&format!("{name}/house/theme.typ"), theme);
        "template = \"house\"\n"
    } else {
        ""
    };
    let brief = format!(
        "title = \"Brief {name}\"\ndate = 2024-01-15\n{template}\n[summary]\ntext = \"The summary of {name}.\"\n\n{style}"
    );
    test.file(&format!("{name}/{name}.toml"), brief)
}

fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(4),
        failure_persistence: None,
        ..Config::default()
    }
}

fn logo() -> impl Strategy<Value = Logo> {
    prop_oneof![
        Just(Logo::None),
        (0u8..200).prop_map(Logo::Svg),
        Just(Logo::Png)
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_batch_builds_each_brief_as_it_builds_alone(
        briefs in prop::collection::vec((logo(), any::<bool>()), 2..5),
        order in any::<prop::sample::Index>(),
        jobs in 1usize..4,
    ) {
        let names: Vec<String> = (0..briefs.len()).map(|i| format!("b{i}")).collect();
        let mut test = Test::new();
        for (name, (logo, themed)) in names.iter().zip(&briefs) {
            test = add(test, name, *logo, *themed);
        }
        // The batch, in a rotated order, at some --jobs, and with a cache.
        let mut inputs: Vec<String> = names.iter().map(|n| format!("{n}/{n}.toml")).collect();
        let turn = order.index(inputs.len());
        inputs.rotate_left(turn);
        let jobs = jobs.to_string();
        let mut args = vec!["pdf", "--quiet", "--out-dir", "batch", "--jobs", &jobs, "--cache", "cache"];
        args.extend(inputs.iter().map(String::as_str));
        let out = test.args(&args).run();
        for name in &names {
            let alone = Test::new();
            let alone = names.iter().zip(&briefs).fold(alone, |t, (n, (logo, themed))| {
                if n == name { add(t, n, *logo, *themed) } else { t }
            });
            let input = format!("{name}/{name}.toml");
            let alone = alone.args(&["pdf", "--quiet", &input, "-o", "alone.pdf"]).run();
            let batch = out.read(&format!("batch/{name}.pdf"));
            prop_assert!(
                batch == alone.read("alone.pdf"),
                "{name} differs in the batch {inputs:?} at --jobs {jobs}: {briefs:?}"
            );
        }
        // Again from the cache: each brief gets its own PDF back.
        let mut again = vec!["pdf", "--quiet", "--out-dir", "again", "--cache", "cache"];
        again.extend(inputs.iter().map(String::as_str));
        let mut rerun = Test::new();
        for (name, (logo, themed)) in names.iter().zip(&briefs) {
            rerun = add(rerun, name, *logo, *themed);
        }
        let cache = out.path("cache");
        let cache_arg = cache.to_string_lossy().into_owned();
        let again: Vec<&str> = again
            .into_iter()
            .map(|a| if a == "cache" { cache_arg.as_str() } else { a })
            .collect();
        let rerun = rerun.args(&again).run();
        for name in &names {
            prop_assert!(
                rerun.read(&format!("again/{name}.pdf")) == out.read(&format!("batch/{name}.pdf")),
                "{name} from the cache is not its own PDF"
            );
        }
    }
}

#[test]
fn a_logo_brief_after_one_without_a_logo_keeps_its_logo() {
    // The case that once printed the first brief's logo on the second, or failed with
    // `file not found (searched at /brief-logo.png)`.
    let test = add(Test::new(), "a", Logo::None, false);
    let test = add(test, "b", Logo::Png, false);
    let test = add(test, "c", Logo::Svg(9), false);
    let out = test
        .args(&[
            "pdf",
            "--quiet",
            "--jobs",
            "1",
            "--out-dir",
            "out",
            "a/a.toml",
            "b/b.toml",
            "c/c.toml",
        ])
        .run();
    for name in ["b", "c"] {
        let pdf = out.pdf(&format!("out/{name}.pdf"));
        assert!(
            pdf.alt_texts().iter().any(|a| a == "Logo"),
            "{name}: {:?}",
            pdf.alt_texts()
        );
    }
    assert!(out.pdf("out/a.pdf").alt_texts().iter().all(|a| a != "Logo"));
}
