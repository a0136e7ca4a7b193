//! `brief lsp` driven over stdio as an editor drives it: initialize, didOpen, didChange, each
//! request, shutdown and exit; the diagnostics compared with `brief check`'s; a real editor
//! (Neovim's built-in client); and the robustness of the server against what editors and
//! users send it.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::Test;
use crate::support::lsp::{Client, at, lsp_range, uri};

const BRIEF: &str = r#"title = "Talks in Minsk"
date = 2022-03-10

[summary]
text = "The talks failed [@report]. See [@fig-seats]."

[[sections]]
heading = "Background"
body = "Since 2020 the opposition has met abroad [@report]."
figures = ["fig-seats"]

[[actors]]
id = "belarus"
name = "Belarus"
kind = "state"
role = "Host of the talks"

[[actors]]
id = "eu"
name = "European Union"
kind = "alliance"

[[timeline]]
date = "2022-02"
title = "Talks open"
actors = ["belarus", "eu"]
sources = ["report"]

[[sources]]
id = "report"
title = "Annual Report"
publisher = "Institute"
date = 2021-05-01

[[figures]]
id = "fig-seats"
kind = "table"
caption = "Seats by party"
data = "seats.csv"
"#;

const SEATS: &str = "party,seats\nA,3\nB,4\n";

/// The line and UTF-16 character of the `nth` (from 0) `needle` in `text`, plus `shift`.
fn pos(text: &str, needle: &str, nth: usize, shift: usize) -> (u32, u32) {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} #{nth}"))
        .0
        + shift;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    (line as u32, character as u32)
}

fn at_text(uri: &str, text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let (line, character) = pos(text, needle, nth, shift);
    at(uri, line, character)
}

/// A folder with the brief and its CSV, and a server started in it.
fn setup(brief: &str) -> (Test, Client, String) {
    let test = Test::new()
        .file("brief.toml", brief)
        .file("seats.csv", SEATS);
    let client = Client::start(&test.path(), json!({}));
    let uri = uri(&test.path().join("brief.toml"));
    (test, client, uri)
}

/// The message of each diagnostic with its start, as (line, character, message).
fn summary(diagnostics: &[Value]) -> Vec<(u64, u64, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `brief check`'s diagnostics of a file, as (line, character, message and hints) the way the
/// server words them.
fn check_json(dir: &Path, name: &str) -> Vec<(u64, u64, String)> {
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["check", "--diagnostic-format", "json", name])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(output.stderr)
        .unwrap()
        .lines()
        .map(|line| {
            let d: Value = serde_json::from_str(line).unwrap();
            let mut message = d["message"].as_str().unwrap().to_string();
            for hint in d["hints"].as_array().unwrap() {
                message += &format!("\nhint: {}", hint.as_str().unwrap());
            }
            // `brief check` counts columns in characters from 1; these briefs are ASCII.
            (
                d["line"].as_u64().unwrap() - 1,
                d["column"].as_u64().unwrap() - 1,
                message,
            )
        })
        .collect()
}

#[test]
fn a_located_error_its_fix_and_a_rename() {
    let bad = BRIEF.replace("\"belarus\", \"eu\"", "\"belaruss\", \"eu\"");
    let (test, mut client, uri) = setup(&bad);
    client.open(&uri, &bad);
    let diagnostics = client.diagnostics(&uri);
    let (line, character) = pos(&bad, "\"belaruss\"", 0, 0);
    assert_eq!(
        summary(&diagnostics),
        [(
            line as u64,
            character as u64,
            "no actor has the id `belaruss`\nhint: did you mean `belarus`?".to_string()
        )]
    );
    assert_eq!(diagnostics[0]["severity"], 1);
    assert_eq!(diagnostics[0]["source"], "brief");
    // The same problem, at the same place, in the same words as `brief check`.
    std::fs::write(test.path().join("bad.toml"), &bad).unwrap();
    assert_eq!(summary(&diagnostics), check_json(&test.path(), "bad.toml"));

    // The did-you-mean, as a code action.
    let range = diagnostics[0]["range"].clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": diagnostics}}),
    );
    let change = &actions[0];
    assert_eq!(change["title"], "Change to `belarus`");
    let edit = &change["edit"]["changes"][&uri][0];
    let (line, character) = pos(&bad, "belaruss", 0, 0);
    assert_eq!(
        edit["range"],
        lsp_range([[line, character], [line, character + 8]])
    );
    assert_eq!(edit["newText"], "belarus");
    assert_eq!(actions[1]["title"], "Add the actor `belaruss` as a stub");

    // The fix, typed: one character removed.
    client.edit(&uri, 2, [[line, character + 7], [line, character + 8]], "");
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // Renaming the actor edits its definition and every use.
    let rename = client.request(
        "textDocument/rename",
        json!({
            "textDocument": {"uri": uri},
            "position": at_text(&uri, BRIEF, "\"belarus\"", 0, 3)["position"],
            "newName": "by",
        }),
    );
    let mut edits: Vec<(u64, u64, String)> = rename["changes"][&uri]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["range"]["start"]["line"].as_u64().unwrap(),
                e["range"]["start"]["character"].as_u64().unwrap(),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort();
    let expected: Vec<(u64, u64, String)> = (0..2)
        .map(|nth| {
            let (l, c) = pos(BRIEF, "\"belarus\"", nth, 1);
            (l as u64, c as u64, "by".to_string())
        })
        .collect();
    assert_eq!(edits, expected);
    assert!(client.shutdown().success());
}

#[test]
fn rename_refuses_a_taken_or_invalid_name() {
    let (_test, mut client, uri) = setup(BRIEF);
    client.open(&uri, BRIEF);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let rename = |name: &str| {
        let mut params = at_text(&uri, BRIEF, "id = \"report\"", 0, 7);
        params["newName"] = json!(name);
        params
    };
    assert_eq!(
        client.refused("textDocument/rename", rename("fig-seats")),
        "`fig-seats` is already the id of a figure"
    );
    assert_eq!(
        client.refused("textDocument/rename", rename("Annual Report")),
        "`Annual Report` is not a valid id: ids use lowercase letters, digits and hyphens, starting with a letter or digit"
    );
    // An actor may share an id with a source: they are never named in the same place.
    let mut params = at_text(&uri, BRIEF, "id = \"eu\"", 0, 7);
    params["newName"] = json!("report");
    let edits = client.request("textDocument/rename", params);
    assert_eq!(edits["changes"][&uri].as_array().unwrap().len(), 2);
    // Renaming a source renames its citations in rich text.
    let edits = client.request("textDocument/rename", rename("annual-report"));
    assert_eq!(edits["changes"][&uri].as_array().unwrap().len(), 4);
    let prepared = client.request(
        "textDocument/prepareRename",
        at_text(&uri, BRIEF, "[@report]", 0, 4),
    );
    assert_eq!(prepared["placeholder"], "report");
    let (line, character) = pos(BRIEF, "[@report]", 0, 2);
    assert_eq!(
        prepared["range"],
        lsp_range([[line, character], [line, character + 6]])
    );
    assert_eq!(
        client.refused(
            "textDocument/prepareRename",
            at_text(&uri, BRIEF, "Talks in", 0, 2)
        ),
        "only the id of an actor, a source or a figure can be renamed"
    );
    assert!(client.shutdown().success());
}

/// The labels of a completion answer.
fn labels(result: &Value) -> Vec<String> {
    result
        .as_array()
        .unwrap_or_else(|| panic!("{result}"))
        .iter()
        .map(|item| {
            format!(
                "{}{}",
                item["label"].as_str().unwrap(),
                item["detail"]
                    .as_str()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn completion_of_ids_citations_and_names() {
    let (_test, mut client, uri) = setup(BRIEF);
    client.open(&uri, BRIEF);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // An actor of an event, typed into a list the TOML does not close yet.
    let typing = BRIEF.replace(
        "actors = [\"belarus\", \"eu\"]",
        "actors = [\"belarus\", \"e",
    );
    client.change(&uri, 2, &typing);
    let result = client.request(
        "textDocument/completion",
        at_text(&uri, &typing, "\"e\n", 0, 2),
    );
    assert_eq!(
        labels(&result),
        ["belarus (Belarus)", "eu (European Union)"]
    );
    // Its edit replaces what was typed of the id.
    let (line, character) = pos(&typing, "\"e\n", 0, 1);
    assert_eq!(
        result[1]["textEdit"]["range"],
        lsp_range([[line, character], [line, character + 1]])
    );
    client.change(&uri, 3, BRIEF);
    // A citation in rich text: sources and figures, with their titles and numbers.
    let cite = BRIEF.replace("[@report]. See", "[@rep. See");
    client.change(&uri, 4, &cite);
    let result = client.request(
        "textDocument/completion",
        at_text(&uri, &cite, "[@rep.", 0, 5),
    );
    assert_eq!(
        labels(&result),
        [
            "report (Annual Report)",
            "fig-seats (Table 1: Seats by party)"
        ]
    );
    // A section's figures; an actor's kind; the paper.
    client.change(&uri, 5, BRIEF);
    let result = client.request(
        "textDocument/completion",
        at_text(&uri, BRIEF, "[\"fig-seats\"]", 0, 2),
    );
    assert_eq!(labels(&result), ["fig-seats (Table 1: Seats by party)"]);
    let result = client.request(
        "textDocument/completion",
        at_text(&uri, BRIEF, "\"state\"", 0, 1),
    );
    assert_eq!(
        labels(&result),
        ["state", "person", "organization", "movement", "alliance"]
    );
    let paper = BRIEF.replace("date = 2022-03-10\n", "date = 2022-03-10\npaper = \n");
    client.change(&uri, 6, &paper);
    let result = client.request(
        "textDocument/completion",
        at_text(&uri, &paper, "paper = ", 0, 8),
    );
    assert_eq!(labels(&result), ["a4", "us-letter"]);
    assert_eq!(result[0]["textEdit"]["newText"], "\"a4\"");
    let language = BRIEF.replace(
        "date = 2022-03-10\n",
        "date = 2022-03-10\nlanguage = \"\"\n",
    );
    client.change(&uri, 7, &language);
    let result = client.request(
        "textDocument/completion",
        at_text(&uri, &language, "language = \"", 0, 12),
    );
    assert!(labels(&result).contains(&"de".to_string()), "{result}");
    assert!(client.shutdown().success());
}

#[test]
fn definition_references_hover_and_outline() {
    let (_test, mut client, uri) = setup(BRIEF);
    client.open(&uri, BRIEF);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let range_of = |needle: &str, nth: usize| {
        let (line, character) = pos(BRIEF, needle, nth, 0);
        lsp_range([[line, character], [line, character + needle.len() as u32]])
    };
    // From a use in an event to the actor's id.
    let definition = client.request(
        "textDocument/definition",
        at_text(&uri, BRIEF, "\"eu\"]", 0, 1),
    );
    assert_eq!(
        definition,
        json!({"uri": uri, "range": range_of("\"eu\"", 0)})
    );
    // From a citation to the source.
    let definition = client.request(
        "textDocument/definition",
        at_text(&uri, BRIEF, "@report", 1, 2),
    );
    assert_eq!(definition["range"], range_of("\"report\"", 1));
    // Every use of the source, its definition among them.
    let mut params = at_text(&uri, BRIEF, "id = \"report\"", 0, 7);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request("textDocument/references", params);
    let ranges: Vec<Value> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"].clone())
        .collect();
    assert_eq!(
        ranges,
        [
            range_of("@report", 0),
            range_of("@report", 1),
            range_of("\"report\"", 0),
            range_of("\"report\"", 1),
        ]
    );

    let hover = |client: &mut Client, needle: &str, nth: usize, shift: usize| {
        let result = client.request(
            "textDocument/hover",
            at_text(&uri, BRIEF, needle, nth, shift),
        );
        result["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(
        hover(&mut client, "\"belarus\"", 1, 2),
        "**Belarus** · state\n\nHost of the talks"
    );
    // The source as its note prints it: numbered, its date in the brief's language.
    assert_eq!(
        hover(&mut client, "[@report]", 0, 3),
        "1. *Annual Report*, Institute, 1 May 2021."
    );
    assert_eq!(
        hover(&mut client, "[@fig-seats]", 0, 3),
        "**Table 1** · table\n\nSeats by party"
    );
    assert_eq!(hover(&mut client, "2022-03-10", 0, 3), "10 March 2022");
    assert_eq!(hover(&mut client, "\"2022-02\"", 0, 3), "February 2022");

    let outline = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<(String, Vec<String>)> = outline
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            (
                group["name"].as_str().unwrap().to_string(),
                group["children"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["name"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Sections".to_string(), vec!["Background".to_string()]),
            (
                "Actors".to_string(),
                vec!["Belarus".to_string(), "European Union".to_string()]
            ),
            ("Timeline".to_string(), vec!["Talks open".to_string()]),
            ("Figures".to_string(), vec!["fig-seats".to_string()]),
        ]
    );
    assert!(client.shutdown().success());
}

/// A brief citing a bibliography file in Chicago notes, with a source of its own.
const CITING: &str = r#"title = "Sanctions"
date = 2024-01-15
bibliography = "refs.json"

[style]
citations = "chicago-notes"

[summary]
text = "Exports fell [@worldbank2023, p. 4]. See also [@memo]."

[[sources]]
id = "memo"
title = "Internal Memo"
publisher = "Institute"
date = 2023-05-01
"#;

#[test]
fn a_bibliography_key_is_hovered_as_printed_and_defined_in_its_file() {
    let refs =
        std::fs::read_to_string(crate::support::fixture_path("citations/refs.json")).unwrap();
    let test = Test::new()
        .file("brief.toml", CITING)
        .file("refs.json", &refs);
    let mut client = Client::start(&test.path(), json!({}));
    let uri = uri(&test.path().join("brief.toml"));
    client.open(&uri, CITING);
    // Its one warning, the references it cites nowhere, is the bibliography file's.
    let diagnostics = client.diagnostics(&uri);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    // The key as the reference list prints it, its title in italics.
    let hover = client.request(
        "textDocument/hover",
        at_text(&uri, CITING, "@worldbank2023", 0, 3),
    );
    assert_eq!(
        hover["contents"]["value"],
        "World Bank. *Belarus Economic Update: Adjusting to Sanctions*. World Bank, 2023. \
         [https://www.worldbank.org/en/country/belarus/publication/economic-update]\
         (<https://www.worldbank.org/en/country/belarus/publication/economic-update>)."
    );
    // A source of the brief's own is an entry of the same list.
    let hover = client.request("textDocument/hover", at_text(&uri, CITING, "@memo", 0, 2));
    assert_eq!(
        hover["contents"]["value"],
        "*Internal Memo*. Institute, 2023."
    );
    // The key's definition is in its file, where the reference manager wrote it.
    let definition = client.request(
        "textDocument/definition",
        at_text(&uri, CITING, "@worldbank2023", 0, 3),
    );
    let (line, character) = pos(&refs, "\"worldbank2023\"", 0, 0);
    assert_eq!(
        definition,
        json!({
            "uri": crate::support::lsp::uri(&test.path().join("refs.json")),
            "range": lsp_range([[line, character], [line, character + 15]]),
        })
    );
    // Completed in a citation, with its title.
    let (line, character) = pos(CITING, "@worldbank2023", 0, 1);
    let completion = client.request("textDocument/completion", at(&uri, line, character));
    let items: Vec<(&str, &str)> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap(),
                i["detail"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        items.contains(&(
            "way2020",
            "Belarus Uprising: How a Dictator Became Vulnerable"
        )),
        "{items:?}"
    );
    assert!(items.iter().any(|(label, _)| *label == "memo"), "{items:?}");
    // Renamed in the reference manager, not here; a source may not take its key.
    let refused = client.refused("textDocument/rename", {
        let mut params = at_text(&uri, CITING, "@worldbank2023", 0, 3);
        params["newName"] = json!("wb");
        params
    });
    assert!(
        refused.contains("rename it in the reference manager"),
        "{refused}"
    );
    let refused = client.refused("textDocument/rename", {
        let mut params = at_text(&uri, CITING, "id = \"memo\"", 0, 7);
        params["newName"] = json!("way2020");
        params
    });
    assert!(
        refused.contains("already the id of a reference"),
        "{refused}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn a_missing_source_is_added_as_a_stub() {
    let cited = BRIEF.replace("See [@fig-seats]", "See [@fig-seats] and [@census]");
    let (_test, mut client, uri) = setup(&cited);
    client.open(&uri, &cited);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(
        summary(&diagnostics)[0].2,
        "the citation `[@census]` names no source or figure\nhint: add it to [[sources]] or [[figures]], or use one of: fig-seats, report"
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics}}),
    );
    assert_eq!(actions[0]["title"], "Add the source `census` as a stub");
    let edit = &actions[0]["edit"]["changes"][&uri][0];
    // After the last source, before the figures.
    let (line, _) = pos(&cited, "[[figures]]", 0, 0);
    assert_eq!(edit["range"], lsp_range([[line - 1, 0], [line - 1, 0]]));
    assert_eq!(
        edit["newText"],
        "\n[[sources]]\nid = \"census\"\ntitle = \"\"\n"
    );
    // Applied, the brief asks for the stub's title: the check says what is left to do.
    let lines: Vec<&str> = cited.split_inclusive('\n').collect();
    let mut fixed = lines[..line as usize - 1].concat();
    fixed += edit["newText"].as_str().unwrap();
    fixed += &lines[line as usize - 1..].concat();
    client.change(&uri, 2, &fixed);
    assert_eq!(
        summary(&client.diagnostics(&uri))
            .into_iter()
            .map(|d| d.2)
            .collect::<Vec<_>>(),
        ["`title` must not be empty"]
    );
    assert!(client.shutdown().success());
}

#[test]
fn a_csv_file_gets_its_own_diagnostics_as_the_editor_holds_it() {
    let (test, mut client, uri) = setup(BRIEF);
    client.open(&uri, BRIEF);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // The CSV opened and edited, not saved: its problem is found in the editor's text.
    let csv = crate::support::lsp::uri(&test.path().join("seats.csv"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": csv, "languageId": "csv", "version": 1, "text": SEATS}}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.change(&csv, 2, "party,seats\nA,3,9\n");
    let diagnostics = client.diagnostics(&csv);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 1);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // Mended in the editor: the problem is withdrawn.
    client.change(&csv, 3, SEATS);
    assert_eq!(client.diagnostics(&csv), Vec::<Value>::new());
    // A problem saved to the disk is found in the file once the editor no longer holds it.
    std::fs::write(test.path().join("seats.csv"), "party,seats\nA,3,9\n").unwrap();
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": csv}}),
    );
    let diagnostics = client.diagnostics(&csv);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 1);
    std::fs::write(test.path().join("seats.csv"), SEATS).unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics(&csv), Vec::<Value>::new());
    assert!(client.shutdown().success());
}

#[test]
fn positions_are_utf8_when_the_client_offers_it() {
    let text = BRIEF
        .replace(
            "The talks failed [@report]",
            "Перемовини 𝄞 зірвалися [@report]",
        )
        .replace("\"belarus\", \"eu\"", "\"belaruss\", \"eu\"");
    let test = Test::new()
        .file("brief.toml", &text)
        .file("seats.csv", SEATS);
    let uri = uri(&test.path().join("brief.toml"));
    let line = text.lines().position(|l| l.contains("[@report]")).unwrap();
    let before = &text.lines().nth(line).unwrap()
        [..text.lines().nth(line).unwrap().find("@report").unwrap()];
    for (offered, expected, character) in [
        (json!(["utf-8", "utf-16"]), "utf-8", before.len()),
        (json!(["utf-16"]), "utf-16", before.encode_utf16().count()),
        (json!(null), "utf-16", before.encode_utf16().count()),
    ] {
        let mut client = Client::start(
            &test.path(),
            json!({"general": {"positionEncodings": offered}}),
        );
        client.open(&uri, &text);
        let diagnostics = client.diagnostics(&uri);
        assert_eq!(diagnostics.len(), 1);
        // The line of the unknown actor holds only ASCII before it: both count 10.
        assert_eq!(
            diagnostics[0]["range"]["start"]["character"], 10,
            "{expected}"
        );
        // A hover on the citation after the Cyrillic letters and a clef (two UTF-16 units,
        // four bytes) is found by the negotiated count alone.
        let hover = client.request(
            "textDocument/hover",
            at(&uri, line as u32, character as u32 + 2),
        );
        assert_eq!(
            hover["contents"]["value"], "*Annual Report*, Institute, 1 May 2021.",
            "{expected}"
        );
        let (start, end) = (character as u64, character as u64 + 7);
        assert_eq!(hover["range"]["start"]["character"], start, "{expected}");
        assert_eq!(hover["range"]["end"]["character"], end, "{expected}");
        assert!(client.shutdown().success());
    }
}

#[test]
fn the_server_survives_what_editors_send() {
    let (test, mut client, uri) = setup(BRIEF);
    client.open(&uri, BRIEF);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // Unparsable TOML: the syntax error, and the last good index still answers.
    let broken = BRIEF.replace(
        "actors = [\"belarus\", \"eu\"]",
        "actors = [\"belarus\", \"eu\"",
    );
    client.change(&uri, 2, &broken);
    let diagnostics = client.diagnostics(&uri);
    assert!(
        summary(&diagnostics)[0].2.starts_with("invalid TOML"),
        "{diagnostics:?}"
    );
    let definition = client.request(
        "textDocument/definition",
        at_text(&uri, &broken, "\"eu\"\n", 0, 1),
    );
    let (line, character) = pos(&broken, "\"eu\"", 0, 0);
    assert_eq!(
        definition["range"]["start"],
        json!({"line": line, "character": character})
    );

    // A position past the end, on a line and a character that do not exist.
    for (line, character) in [(10_000, 0), (0, 10_000), (u32::MAX, u32::MAX)] {
        let hover = client.request("textDocument/hover", at(&uri, line, character));
        assert_eq!(hover, Value::Null);
        client.request("textDocument/completion", at(&uri, line, character));
    }

    // An empty file, a file that is not a brief, a file of 10 MB.
    client.change(&uri, 3, "");
    assert_eq!(
        summary(&client.diagnostics(&uri))[0].2,
        format!(
            "{} is empty\nhint: a brief needs at least `title`, `date` and a `[summary]` with `text`",
            test.path().join("brief.toml").display()
        )
    );
    let cargo = "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n";
    client.change(&uri, 4, cargo);
    let diagnostics = client.diagnostics(&uri);
    assert!(!diagnostics.is_empty());
    let mut large = BRIEF.to_string();
    while large.len() < 10 << 20 {
        large += "\n[[actors]]\nid = \"a";
        large += &large.len().to_string();
        large += "\"\nname = \"An actor with a name\"\nkind = \"state\"\n";
    }
    client.change(&uri, 5, &large);
    // While it is checked (seconds, in a debug build), requests are answered.
    let asked = std::time::Instant::now();
    client.request("textDocument/hover", at(&uri, 1, 3));
    assert!(asked.elapsed() < std::time::Duration::from_secs(10));
    let published = client.notification_within(
        "textDocument/publishDiagnostics",
        |p| p["uri"] == uri,
        std::time::Duration::from_secs(300),
    );
    assert!(!published["diagnostics"].as_array().unwrap().is_empty());
    let outline = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(outline.as_array().unwrap().len() >= 2);

    // Back to the brief: it is as good as before.
    client.change(&uri, 6, BRIEF);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    // A request the server does not know is refused, not fatal.
    let response = client.request_raw(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(response["error"]["code"], -32601);
    assert!(client.running());
    assert!(client.shutdown().success());
}

#[test]
fn a_panic_while_checking_is_reported_and_the_server_goes_on() {
    let test = Test::new()
        .file("brief.toml", BRIEF)
        .file("seats.csv", SEATS);
    let mut client = Client::start_with(
        &test.path(),
        json!({}),
        &[("BRIEF_TEST_PANIC", "lsp-check")],
    );
    let uri = uri(&test.path().join("brief.toml"));
    client.open(&uri, BRIEF);
    let diagnostics = client.diagnostics(&uri);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("internal error while checking: a panic on purpose at `lsp-check`"),
        "{message}"
    );
    let logged = client.notification("window/logMessage", |p| p["type"] == 1);
    assert!(
        logged["message"]
            .as_str()
            .unwrap()
            .contains("internal error while checking"),
        "{logged}"
    );
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols, json!([]));
    assert!(client.shutdown().success());
}

#[test]
fn a_client_that_dies_ends_the_server() {
    let (_test, mut client, uri) = setup(BRIEF);
    client.open(&uri, BRIEF);
    client.diagnostics(&uri);
    // No shutdown, no exit: the input ends, and so does the server, with status 1.
    assert_eq!(client.die().code(), Some(1));
}

/// The property test of `check` (`robustness`), its briefs fed to a running server as edits:
/// every edit is answered, and the server is still there after all of them.
mod property {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        // Cases that once failed are kept in `lsp.proptest-regressions` and replayed first.
        #![proptest_config(crate::robustness::config(48))]

        #[test]
        fn any_text_as_an_edit_is_answered(
            texts in prop::collection::vec(
                prop_oneof![
                    ".{0,300}",
                    crate::robustness::document_table().prop_map(|t| t.to_string()),
                ],
                1..8,
            )
        ) {
            let (_test, mut client, uri) = setup(BRIEF);
            client.open(&uri, BRIEF);
            client.diagnostics(&uri);
            for (version, text) in texts.iter().enumerate() {
                let version = version as i32 + 2;
                client.change(&uri, version, text);
                // Each text is checked: its diagnostics come, for its version.
                let published =
                    client.notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
                prop_assert_eq!(&published["version"], &json!(version));
                let last = text.lines().count() as u32;
                client.request("textDocument/hover", at(&uri, last / 2, 3));
                client.request("textDocument/completion", at(&uri, last, 1));
                client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
            }
            let last = texts.len() as i32 + 1;
            client.change(&uri, last + 1, BRIEF);
            prop_assert!(client.running());
            prop_assert!(client.shutdown().success());
        }
    }
}

/// Neovim's own client (`vim.lsp.start`) opens a brief with an error and reports the
/// diagnostic: the server works with a real editor, not only with these tests' client.
#[test]
fn neovim_reports_the_diagnostic() {
    let here = std::env::temp_dir();
    if crate::tools::tool("nvim", &["--version"], &here).is_none() {
        return;
    }
    let bad = BRIEF.replace("\"belarus\", \"eu\"", "\"belaruss\", \"eu\"");
    let test = Test::new()
        .file("brief.toml", &bad)
        .file("seats.csv", SEATS)
        .file(
            "check.lua",
            format!(
                r#"
local config = {{ name = "brief", cmd = {{ "{brief}", "lsp" }}, root_dir = vim.fn.getcwd() }}
if vim.lsp.start then
  vim.lsp.start(config)
else
  -- Neovim before 0.8 (Debian's 0.7): the same client, started and attached by hand.
  vim.lsp.buf_attach_client(0, vim.lsp.start_client(config))
end
local found = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local lines = {{}}
for _, d in ipairs(vim.diagnostic.get(0)) do
  -- writefile would write a line break inside an item as NUL.
  table.insert(lines, string.format("%d:%d: %s", d.lnum + 1, d.col + 1, (d.message:gsub("\n", " / "))))
end
if not found then lines = {{ "no diagnostic" }} end
vim.fn.writefile(lines, "diagnostics.txt")
vim.cmd("qall!")
"#,
                brief = env!("CARGO_BIN_EXE_brief")
            ),
        );
    let status = Command::new("nvim")
        .args([
            "--headless",
            "--clean",
            "brief.toml",
            "-c",
            "luafile check.lua",
        ])
        .current_dir(test.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("nvim runs");
    let written = std::fs::read_to_string(test.path().join("diagnostics.txt"))
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&status.stderr)));
    assert_eq!(
        written,
        "26:11: no actor has the id `belaruss` / hint: did you mean `belarus`?\n"
    );
}

/// Letters and digits alone, lowercased: text compared across line breaks and hyphens.
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A GET of `url`'s path from its host, with its own address as `Host`.
fn http_get(url: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (address, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path = path.split('#').next().unwrap_or("");
    let mut stream = std::net::TcpStream::connect(address)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = vec![];
    stream.read_to_end(&mut response)?;
    Ok(String::from_utf8_lossy(&response).into_owned())
}

#[test]
fn a_preview_ends_with_a_server_that_is_killed() {
    let text = crate::support::repo_file("briefs/belarus.toml");
    let test = Test::new().file("belarus.toml", &text);
    let mut client = Client::start(&test.path(), json!({}));
    let uri = uri(&test.path().join("belarus.toml"));
    client.open(&uri, &text);
    client.diagnostics(&uri);
    let result = client.request(
        "workspace/executeCommand",
        json!({"command": "brief.preview", "arguments": [uri]}),
    );
    let url = result["url"].as_str().unwrap().to_string();
    assert!(http_get(&url).unwrap().starts_with("HTTP/1.1 200 OK"));
    // Killed, the server runs no destructor: the preview sees its input close.
    client.kill();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while http_get(&url).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the preview outlived the killed server"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn the_preview_opens_at_the_page_of_the_cursor() {
    let text = crate::support::repo_file("briefs/belarus.toml");
    // The page the paper prints the last section's heading on, read from its PDF.
    let heading = "A society that says no";
    let out = Test::new()
        .file("belarus.toml", &text)
        .args(&["pdf", "belarus.toml", "--quiet"])
        .run();
    let expected = out
        .pdf("belarus.pdf")
        .text()
        .split('\u{c}')
        .position(|page| letters(page).contains(&letters(heading)))
        .unwrap()
        + 1;
    assert!(expected > 2, "{expected}");

    let test = Test::new().file("belarus.toml", &text);
    let mut client = Client::start(
        &test.path(),
        json!({"window": {"showDocument": {"support": true}}}),
    );
    let uri = uri(&test.path().join("belarus.toml"));
    client.open(&uri, &text);
    client.diagnostics(&uri);
    let position = at_text(&uri, &text, heading, 0, 4);
    let result = client.request("brief/preview", position.clone());
    assert_eq!(result["page"], expected);
    let url = result["url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with(&format!("/#page-{expected}")),
        "{url}"
    );
    // The client is asked to open it.
    let shown = client.notification("window/showDocument", |_| true);
    assert_eq!(shown["uri"], url);
    assert_eq!(shown["external"], true);
    // The preview answers there: its page, and the brief's pages.
    let page = http_get(&url).unwrap();
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(page.contains("id = \"page-\" + (i + 1)"), "{page}");
    // A browser opening the address shows the pages scrolled to that one.
    if let Some(mut browser) = crate::support::browser::Browser::start() {
        browser.attach(&url);
        browser.wait_until(
            &format!(
                "(() => {{ const page = document.getElementById('page-{expected}'); \
                 return page !== null && page.complete && window.scrollY > 0 \
                 && Math.abs(page.getBoundingClientRect().top) < 2; }})()"
            ),
            "the page of the heading at the top",
        );
    }
    // The command does the same, with the preview already running; without a position it
    // opens at the start.
    let again = client.request(
        "workspace/executeCommand",
        json!({"command": "brief.preview", "arguments": [uri, position["position"]]}),
    );
    assert_eq!(again["url"], url);
    let start = client.request(
        "workspace/executeCommand",
        json!({"command": "brief.preview", "arguments": [uri]}),
    );
    assert_eq!(start["url"], url.split('#').next().unwrap());
    // Its PDF goes to a folder of its own, never beside the brief (and its bibliography).
    let mut beside: Vec<String> = test
        .path()
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["belarus-references.json", "belarus.toml"]);
    assert!(client.shutdown().success());
    // The preview ends with the server.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while http_get(&url).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the preview outlived the server"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
