//! The requests the server answers, each from a document's text and its last analysis:
//! completion, hover, definition, references, rename, the outline and code actions.

use std::collections::HashMap;

use lsp_server::{ErrorCode, Request, RequestId, Response};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, Rename, Request as _,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CompletionItem, CompletionItemKind, CompletionOptions,
    CompletionParams, CompletionResponse, CompletionTextEdit, DocumentSymbol, DocumentSymbolParams,
    DocumentSymbolResponse, ExecuteCommandOptions, GotoDefinitionParams, GotoDefinitionResponse,
    Hover, HoverContents, HoverParams, HoverProviderCapability, Location, MarkupContent,
    MarkupKind, OneOf, PrepareRenameResponse, ReferenceParams, RenameOptions, RenameParams,
    SaveOptions, ServerCapabilities, TextDocumentPositionParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri,
    WorkDoneProgressOptions, WorkspaceEdit,
};

use crate::assets::template;
use crate::brief::load::is_valid_id;
use crate::brief::model::{ActorKind, Align, ChartType, FigureKind, Paper, Priority, Span};
use crate::run::lsp::analysis::{Kind, Place, Symbol};
use crate::run::lsp::context;
use crate::run::lsp::text::{Encoding, Text};
use crate::run::lsp::{Document, Server, check};

/// What the server offers.
pub fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["@".into(), "\"".into(), "'".into()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![PREVIEW_COMMAND.to_string()],
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        ..ServerCapabilities::default()
    }
}

/// A refusal the client shows the user (a rename that cannot be made).
struct Refusal(String);

type Answer = Result<serde_json::Value, Refusal>;

pub(super) fn answer(server: &Server, request: Request) -> Response {
    let id = request.id.clone();
    let result = match request.method.as_str() {
        Completion::METHOD => with(server, request, completion),
        HoverRequest::METHOD => with(server, request, hover),
        GotoDefinition::METHOD => with(server, request, definition),
        References::METHOD => with(server, request, references),
        PrepareRenameRequest::METHOD => with(server, request, prepare_rename),
        Rename::METHOD => with(server, request, rename),
        DocumentSymbolRequest::METHOD => with(server, request, symbols),
        CodeActionRequest::METHOD => with(server, request, actions),
        _ => {
            return Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("brief lsp does not answer {}", request.method),
            );
        }
    };
    respond(id, result)
}

fn respond(id: RequestId, result: Result<Answer, String>) -> Response {
    match result {
        Ok(Ok(value)) => Response::new_ok(id, value),
        Ok(Err(Refusal(message))) => {
            Response::new_err(id, ErrorCode::RequestFailed as i32, message)
        }
        Err(message) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
    }
}

/// The parameters of a request that names a document.
trait OnDocument: serde::de::DeserializeOwned {
    fn uri(&self) -> &Uri;
}

macro_rules! on_document {
    ($($params:ty => |$p:ident| $uri:expr;)*) => {$(
        impl OnDocument for $params {
            fn uri(&self) -> &Uri {
                let $p = self;
                $uri
            }
        }
    )*};
}

on_document! {
    CompletionParams => |p| &p.text_document_position.text_document.uri;
    HoverParams => |p| &p.text_document_position_params.text_document.uri;
    GotoDefinitionParams => |p| &p.text_document_position_params.text_document.uri;
    ReferenceParams => |p| &p.text_document_position.text_document.uri;
    TextDocumentPositionParams => |p| &p.text_document.uri;
    RenameParams => |p| &p.text_document_position.text_document.uri;
    DocumentSymbolParams => |p| &p.text_document.uri;
    CodeActionParams => |p| &p.text_document.uri;
}

/// Reads a request's parameters and answers it from its document; a document the server does
/// not hold gets `null`.
fn with<P: OnDocument>(
    server: &Server,
    request: Request,
    answer: fn(&Doc<'_>, P) -> Answer,
) -> Result<Answer, String> {
    let params: P = serde_json::from_value(request.params).map_err(|e| e.to_string())?;
    let Some(document) = server.documents.get(params.uri().as_str()) else {
        return Ok(Ok(serde_json::Value::Null));
    };
    let doc = Doc {
        uri: params.uri().clone(),
        document,
        encoding: server.encoding,
    };
    Ok(answer(&doc, params))
}

/// A document as a request sees it.
struct Doc<'a> {
    uri: Uri,
    document: &'a Document,
    encoding: Encoding,
}

impl Doc<'_> {
    fn offset(&self, position: lsp_types::Position) -> usize {
        self.document.text.offset(position, self.encoding)
    }

    fn range(&self, span: &Span) -> lsp_types::Range {
        self.document.text.range(span, self.encoding)
    }

    fn location(&self, span: &Span) -> Location {
        Location::new(self.uri.clone(), self.range(span))
    }

    fn text(&self) -> &str {
        self.document.text.as_str()
    }

    /// The id at `position`, with its kind, when it names one.
    fn id_at(&self, position: lsp_types::Position) -> Option<(Kind, &super::analysis::Occurrence)> {
        let analysis = self.document.analysis.as_ref()?;
        let occurrence = analysis.at(self.offset(position))?;
        Some((occurrence.kind?, occurrence))
    }
}

fn json(value: impl serde::Serialize) -> Answer {
    Ok(serde_json::to_value(value).unwrap_or(serde_json::Value::Null))
}

const NULL: Answer = Ok(serde_json::Value::Null);

// ---- completion ----

fn completion(doc: &Doc<'_>, params: CompletionParams) -> Answer {
    let text = doc.text();
    let offset = doc.offset(params.text_document_position.position);
    let place = context::at(text, offset);
    let analysis = doc.document.analysis.as_ref();
    let ids = |kind: Kind| -> Vec<(String, String)> {
        analysis
            .and_then(|a| a.ids.get(&kind))
            .cloned()
            .unwrap_or_default()
    };
    let mut items = vec![];
    let mut push = |label: &str, detail: &str, kind, start: usize, quote: bool| {
        let insert = if quote {
            format!("\"{label}\"")
        } else {
            label.to_string()
        };
        items.push(CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail: (!detail.is_empty()).then(|| detail.to_string()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: doc.range(&(start..offset)),
                new_text: insert,
            })),
            ..CompletionItem::default()
        });
    };
    if let Some(string) = place.string
        && let Some(start) = context::citation(text, string, offset)
    {
        for kind in [Kind::Source, Kind::Figure, Kind::Reference] {
            for (id, detail) in ids(kind) {
                push(&id, &detail, CompletionItemKind::REFERENCE, start, false);
            }
        }
        return json(CompletionResponse::Array(items));
    }
    let key = place.key.as_deref().unwrap_or("");
    let list = match (place.table.as_str(), key) {
        ("timeline", "actors") => Some(Kind::Actor),
        ("timeline", "sources") => Some(Kind::Source),
        ("sections", "figures") => Some(Kind::Figure),
        _ => None,
    };
    if let Some(kind) = list {
        let (start, quote) = match place.string {
            Some(string) => (context::id_start(text, string, offset), false),
            None => (offset, true),
        };
        // An event's sources may name a bibliography's references too.
        let references = if kind == Kind::Source {
            ids(Kind::Reference)
        } else {
            vec![]
        };
        for (id, detail) in ids(kind).into_iter().chain(references) {
            push(&id, &detail, CompletionItemKind::REFERENCE, start, quote);
        }
        return json(CompletionResponse::Array(items));
    }
    let languages: Vec<&str> = analysis
        .map(|a| a.languages.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let templates: Vec<&str> = template::built_in_names().collect();
    let names: Option<Vec<(&str, &str)>> = match (place.table.as_str(), key) {
        ("actors", "kind") => Some(ActorKind::NAMES.iter().map(|n| (*n, "")).collect()),
        ("figures", "kind") => Some(FigureKind::NAMES.iter().map(|n| (*n, "")).collect()),
        ("figures", "chart") => Some(ChartType::NAMES.iter().map(|n| (*n, "")).collect()),
        ("figures", "align") => Some(Align::NAMES.iter().map(|n| (*n, "")).collect()),
        ("recommendations", "priority") => Some(Priority::NAMES.iter().map(|n| (*n, "")).collect()),
        ("", "paper") => Some(Paper::NAMES.iter().map(|n| (*n, "")).collect()),
        ("", "template") => Some(
            templates
                .iter()
                .map(|n| (*n, template::describe(n)))
                .collect(),
        ),
        ("", "language") => Some(languages.iter().map(|n| (*n, "")).collect()),
        _ => None,
    };
    let Some(names) = names else {
        return NULL;
    };
    let (start, quote) = match place.string {
        Some(string) => (context::id_start(text, string, offset), false),
        None => (offset, true),
    };
    for (name, detail) in names {
        push(name, detail, CompletionItemKind::ENUM_MEMBER, start, quote);
    }
    json(CompletionResponse::Array(items))
}

// ---- hover ----

fn hover(doc: &Doc<'_>, params: HoverParams) -> Answer {
    let position = params.text_document_position_params.position;
    let Some(analysis) = doc.document.analysis.as_ref() else {
        return NULL;
    };
    let offset = doc.offset(position);
    let (text, span) = if let Some((kind, occurrence)) = doc.id_at(position) {
        match analysis.hovers.get(&(kind, occurrence.id.clone())) {
            Some(text) => (text.clone(), occurrence.span.clone()),
            None => return NULL,
        }
    } else if let Some((span, printed)) = analysis
        .dates
        .iter()
        .find(|(span, _)| span.start <= offset && offset < span.end)
    {
        (printed.clone(), span.clone())
    } else {
        return NULL;
    };
    json(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(doc.range(&span)),
    })
}

// ---- definition, references ----

fn definition(doc: &Doc<'_>, params: GotoDefinitionParams) -> Answer {
    let Some((kind, occurrence)) = doc.id_at(params.text_document_position_params.position) else {
        return NULL;
    };
    let analysis = doc.document.analysis.as_ref().expect("an id was found");
    if let Some(location) = elsewhere(doc, analysis, kind, &occurrence.id) {
        return json(GotoDefinitionResponse::Scalar(location));
    }
    match analysis.definition(kind, &occurrence.id) {
        Some(definition) => json(GotoDefinitionResponse::Scalar(
            doc.location(&definition.span),
        )),
        None => NULL,
    }
}

/// Where an id defined in another file (a bibliography key) is defined.
fn elsewhere(
    doc: &Doc<'_>,
    analysis: &super::analysis::Analysis,
    kind: Kind,
    id: &str,
) -> Option<Location> {
    let (file, span) = analysis.elsewhere.get(&(kind, id.to_string()))?;
    let uri = super::uri_of(std::path::Path::new(file.name()))?;
    let range = Text::new(file.text().to_string()).range(span, doc.encoding);
    Some(Location::new(uri, range))
}

fn references(doc: &Doc<'_>, params: ReferenceParams) -> Answer {
    let Some((kind, occurrence)) = doc.id_at(params.text_document_position.position) else {
        return NULL;
    };
    let analysis = doc.document.analysis.as_ref().expect("an id was found");
    let declaration = params.context.include_declaration;
    let mut locations: Vec<Location> = analysis
        .uses(kind, &occurrence.id)
        .filter(|o| declaration || !o.is_definition())
        .map(|o| doc.location(&o.span))
        .collect();
    if declaration {
        locations.extend(elsewhere(doc, analysis, kind, &occurrence.id));
    }
    json(locations)
}

// ---- rename ----

fn prepare_rename(doc: &Doc<'_>, params: TextDocumentPositionParams) -> Answer {
    let Some((kind, occurrence)) = doc.id_at(params.position) else {
        return Err(Refusal(
            "only the id of an actor, a source or a figure can be renamed".into(),
        ));
    };
    if kind == Kind::Reference {
        return Err(reference_rename(&occurrence.id));
    }
    let Some(name) = &occurrence.name else {
        return Err(Refusal(format!(
            "`{}` is written with escapes here; write it plainly to rename it",
            occurrence.id
        )));
    };
    json(PrepareRenameResponse::RangeWithPlaceholder {
        range: doc.range(name),
        placeholder: occurrence.id.clone(),
    })
}

/// A bibliography's key is its reference manager's (Zotero's citation key): renamed there,
/// and exported again, never in the exported file alone.
fn reference_rename(key: &str) -> Refusal {
    Refusal(format!(
        "`{key}` is a key of the bibliography: rename it in the reference manager, export the file again, then change the citations"
    ))
}

fn rename(doc: &Doc<'_>, params: RenameParams) -> Answer {
    let Some((kind, occurrence)) = doc.id_at(params.text_document_position.position) else {
        return Err(Refusal(
            "only the id of an actor, a source or a figure can be renamed".into(),
        ));
    };
    if kind == Kind::Reference {
        return Err(reference_rename(&occurrence.id));
    }
    let analysis = doc.document.analysis.as_ref().expect("an id was found");
    let new = params.new_name.trim();
    if !is_valid_id(new) {
        return Err(Refusal(format!(
            "`{new}` is not a valid id: ids use lowercase letters, digits and hyphens, starting with a letter or digit"
        )));
    }
    if new != occurrence.id && analysis.is_taken(kind, new) {
        let owner = analysis
            .occurrences
            .iter()
            .find(|o| o.is_definition() && o.id == new)
            .and_then(|o| o.kind)
            .or_else(|| {
                analysis
                    .elsewhere
                    .keys()
                    .find(|(_, key)| key == new)
                    .map(|(k, _)| *k)
            })
            .unwrap_or(kind);
        return Err(Refusal(format!(
            "`{new}` is already the id of {} {}",
            crate::diag::article(owner.noun()),
            owner.noun()
        )));
    }
    let text = doc.text();
    let mut edits = vec![];
    for used in analysis.uses(kind, &occurrence.id) {
        // Every use is checked against the text as it is now, so that a rename made while
        // the brief does not parse (the analysis is the last one) changes only the id.
        let Some(name) = used
            .name
            .as_ref()
            .filter(|n| text.get((*n).clone()) == Some(used.id.as_str()))
        else {
            let line = doc.range(&used.span).start.line + 1;
            return Err(Refusal(format!(
                "`{}` on line {line} is not written as it reads (escapes, or an edit since the last check); rename it by hand",
                used.id
            )));
        };
        edits.push(TextEdit {
            range: doc.range(name),
            new_text: new.to_string(),
        });
    }
    json(WorkspaceEdit::new(HashMap::from([(
        doc.uri.clone(),
        edits,
    )])))
}

// ---- outline ----

fn symbols(doc: &Doc<'_>, _: DocumentSymbolParams) -> Answer {
    let Some(analysis) = doc.document.analysis.as_ref() else {
        return json(Vec::<DocumentSymbol>::new());
    };
    #[allow(deprecated)] // `deprecated` is a field every DocumentSymbol must still spell out.
    fn convert(doc: &Doc<'_>, symbol: &Symbol) -> DocumentSymbol {
        DocumentSymbol {
            name: symbol.name.clone(),
            detail: symbol.detail.clone(),
            kind: symbol.kind,
            tags: None,
            deprecated: None,
            range: doc.range(&symbol.span),
            selection_range: doc.range(&symbol.selection),
            children: (!symbol.children.is_empty())
                .then(|| symbol.children.iter().map(|c| convert(doc, c)).collect()),
        }
    }
    let list: Vec<DocumentSymbol> = analysis.symbols.iter().map(|s| convert(doc, s)).collect();
    json(DocumentSymbolResponse::Nested(list))
}

// ---- code actions ----

fn actions(doc: &Doc<'_>, params: CodeActionParams) -> Answer {
    let text = doc.text();
    let start = doc.offset(params.range.start);
    let end = doc.offset(params.range.end);
    let analysis = doc.document.analysis.as_ref();
    let mut actions = vec![];
    for (span, diagnostic) in &doc.document.diagnostics {
        if span.end < start || span.start > end {
            continue;
        }
        let lsp_diagnostic = super::to_lsp(diagnostic, doc.range(span));
        let fix = |title: String, edit: TextEdit, preferred: bool| {
            CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diagnostic.clone()]),
                edit: Some(WorkspaceEdit::new(HashMap::from([(
                    doc.uri.clone(),
                    vec![edit],
                )]))),
                is_preferred: Some(preferred),
                ..CodeAction::default()
            })
        };
        let occurrence = analysis.and_then(|a| {
            a.occurrences
                .iter()
                .find(|o| o.span == *span && o.kind.is_none())
        });
        // A did-you-mean, applied.
        for hint in &diagnostic.hints {
            let Some(suggestion) = hint
                .strip_prefix("did you mean `")
                .and_then(|h| h.strip_suffix("`?"))
            else {
                continue;
            };
            let target = match occurrence {
                Some(o) => o.name.clone(),
                None => misspelt(text, span, &diagnostic.message),
            };
            if let Some(target) = target {
                actions.push(fix(
                    format!("Change to `{suggestion}`"),
                    TextEdit {
                        range: doc.range(&target),
                        new_text: suggestion.to_string(),
                    },
                    true,
                ));
            }
        }
        // A missing actor or source, added as a stub whose empty values the check then
        // points at.
        let Some(occurrence) = occurrence else {
            continue;
        };
        let stub_kind = match occurrence.place {
            Place::EventActors => Kind::Actor,
            Place::EventSources | Place::Citation => Kind::Source,
            _ => continue,
        };
        let Some(&at) = analysis.and_then(|a| a.stubs.get(&stub_kind)) else {
            continue;
        };
        let id = &occurrence.id;
        if !is_valid_id(id) {
            continue;
        }
        let body = match stub_kind {
            Kind::Actor => format!("[[actors]]\nid = \"{id}\"\nname = \"\"\nkind = \"\"\n"),
            _ => format!("[[sources]]\nid = \"{id}\"\ntitle = \"\"\n"),
        };
        let at = at.min(text.len());
        let lead = if at == 0 || text[..at].ends_with("\n\n") {
            ""
        } else if text[..at].ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        let rest = &text[at..];
        let trail = if rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n") {
            ""
        } else {
            "\n"
        };
        actions.push(fix(
            format!("Add the {} `{id}` as a stub", stub_kind.noun()),
            TextEdit {
                range: doc.range(&(at..at)),
                new_text: format!("{lead}{body}{trail}"),
            },
            false,
        ));
    }
    json(actions)
}

/// Where the misspelt word a message names first (`unknown key `titel``, ``a5` is not a
/// valid `paper``) is written inside the diagnostic's span: the key, the string's content, the
/// name inside a `[header]`. Nothing when the span does not hold it.
fn misspelt(text: &str, span: &Span, message: &str) -> Option<Span> {
    let word = message.split('`').nth(1).filter(|w| !w.is_empty())?;
    let at = text.get(span.clone())?.find(word)?;
    Some(span.start + at..span.start + at + word.len())
}

// ---- the live preview ----

/// The command that opens the live preview (`workspace/executeCommand`, with the document's
/// URI and optionally a position as its arguments).
pub const PREVIEW_COMMAND: &str = "brief.preview";

/// The same as a request of its own, with `textDocument` and optionally `position`.
pub const PREVIEW_REQUEST: &str = "brief/preview";

pub(super) fn is_preview(request: &Request) -> bool {
    request.method == PREVIEW_REQUEST
        || (request.method == lsp_types::request::ExecuteCommand::METHOD
            && request.params["command"] == PREVIEW_COMMAND)
}

/// Starts the preview of a brief (or finds it running) and answers with its address at the
/// page of the position, from a thread of its own; a client that shows documents is asked to
/// open it.
pub(super) fn preview(server: &Server, request: Request) {
    let id = request.id.clone();
    let id_again = request.id.clone();
    let params = &request.params;
    let (uri, position) = if request.method == PREVIEW_REQUEST {
        (
            params["textDocument"]["uri"].as_str().map(str::to_string),
            params.get("position").cloned(),
        )
    } else {
        (
            params["arguments"][0].as_str().map(str::to_string),
            params["arguments"].get(1).cloned(),
        )
    };
    let position: Option<lsp_types::Position> =
        position.and_then(|p| serde_json::from_value(p).ok());
    let Some(document) = uri.as_deref().and_then(|u| server.documents.get(u)) else {
        server.send(Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            "brief.preview needs the URI of an open brief".into(),
        ));
        return;
    };
    let printed = match (position, &document.analysis) {
        (Some(position), Some(analysis)) => {
            analysis.printed_at(document.text.offset(position, server.encoding))
        }
        _ => vec![],
    };
    let session = server.session.clone();
    let previews = server.previews.clone();
    let sender = server.sender.clone();
    let show = server.show_document;
    let path = document.path.clone();
    let text = document.text.as_str().to_string();
    // Typst lays out recursively: a worker's stack, as every thread that typesets has.
    let worker = std::thread::Builder::new()
        .name("brief-lsp-preview".into())
        .stack_size(crate::run::isolate::WORKER_STACK_BYTES);
    let work = move || {
        let page = if printed.is_empty() {
            None
        } else {
            check::page_of(&session, &path, &text, &printed)
        };
        let response = match previews.url(&path) {
            Ok(url) => {
                let target = match page {
                    Some(page) => format!("{url}#page-{page}"),
                    None => url,
                };
                if show && let Ok(uri) = target.parse::<Uri>() {
                    let params = lsp_types::ShowDocumentParams {
                        uri,
                        external: Some(true),
                        take_focus: Some(true),
                        selection: None,
                    };
                    let _ = sender.send(
                        lsp_server::Request::new(
                            RequestId::from(format!("brief-preview-{id}")),
                            lsp_types::request::ShowDocument::METHOD.to_string(),
                            params,
                        )
                        .into(),
                    );
                }
                Response::new_ok(id, serde_json::json!({ "url": target, "page": page }))
            }
            Err(message) => Response::new_err(id, ErrorCode::RequestFailed as i32, message),
        };
        let _ = sender.send(response.into());
    };
    if let Err(error) = worker.spawn(work) {
        server.send(Response::new_err(
            id_again,
            ErrorCode::RequestFailed as i32,
            format!("no thread for the preview: {error}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_did_you_mean_replaces_the_misspelt_word_only() {
        let text = "titel = 1\n[summery]\npaper = \"a5\"\n";
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            start..start + needle.len()
        };
        let word = |span: Option<Span>| span.map(|s| &text[s]);
        assert_eq!(
            word(misspelt(
                text,
                &at("titel"),
                "unknown key `titel` in the top level"
            )),
            Some("titel")
        );
        assert_eq!(
            word(misspelt(text, &at("[summery]"), "unknown table `summery`")),
            Some("summery")
        );
        assert_eq!(
            word(misspelt(text, &at("\"a5\""), "`a5` is not a valid `paper`")),
            Some("a5")
        );
        assert_eq!(misspelt(text, &at("titel"), "no word here"), None);
    }
}
