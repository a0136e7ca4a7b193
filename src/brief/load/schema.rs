//! The keys of the format: which tables a brief has, which keys each holds, of which type,
//! and which are required. The one place to add a key.

use super::read::{Reader, Table, UNKNOWN_DATE, empty, empty_rich};
use crate::brief::model::*;
use crate::brief::richtext::Mode;

impl Reader<'_> {
    /// Reads the whole brief from the root table.
    pub(super) fn brief(&mut self, root: &toml::de::DeTable<'_>) -> Brief {
        // The top level has no header line; its missing keys are reported at the file's start.
        let mut top = Table {
            entries: root,
            span: 0..0,
            name: "the top level".into(),
            known: vec![],
            missing: vec![],
        };
        let title = self.string(&mut top, "title", true);
        let subtitle = self.string(&mut top, "subtitle", false);
        let date = self.date(&mut top, "date", true, true);
        let language = self.language(&mut top);
        let publisher = self.string(&mut top, "publisher", false);
        let series = self.string(&mut top, "series", false);
        let number = self.number(&mut top);
        let classification = self.string(&mut top, "classification", false);
        let marking = classification.as_ref().and_then(|c| self.marking(c));
        let url = self.qr_url(&mut top);
        let version = self.string(&mut top, "version", false);
        let keywords = self.strings(&mut top, "keywords");
        let disclaimer = self.rich(&mut top, "disclaimer", Mode::Blocks, false);
        let about = self.rich(&mut top, "about", Mode::Blocks, false);
        let template = self.string(&mut top, "template", false);
        let paper = self.choice(&mut top, "paper", &Paper::NAMES, Paper::parse);
        let style = self.style(&mut top);
        let bibliography = self.bibliography(&mut top);

        let authors = self.each_table(&mut top, "authors", |r, t| Author {
            name: r.name(t).unwrap_or_else(|| empty(&t.span)),
            affiliation: r.string(t, "affiliation", false),
            bio: r.rich(t, "bio", Mode::Blocks, false),
        });
        let summary = match self.table(&mut top, "summary", true) {
            Some(mut t) => {
                let summary = Summary {
                    text: self
                        .rich(&mut t, "text", Mode::Blocks, true)
                        .unwrap_or_else(|| empty_rich(&t.span)),
                    key_points: self.rich_list(&mut t, "key_points"),
                };
                self.finish(t);
                summary
            }
            None => Summary {
                text: empty_rich(&(0..0)),
                key_points: vec![],
            },
        };
        let sections = self.each_table(&mut top, "sections", |r, t| Section {
            heading: r
                .string(t, "heading", true)
                .unwrap_or_else(|| empty(&t.span)),
            body: r
                .rich(t, "body", Mode::Blocks, true)
                .unwrap_or_else(|| empty_rich(&t.span)),
            slide: r.rich(t, "slide", Mode::Blocks, false),
            figures: r.strings(t, "figures"),
        });
        let actors = self.each_table(&mut top, "actors", |r, t| Actor {
            id: r.id(t, "actor"),
            name: r.name(t).unwrap_or_else(|| empty(&t.span)),
            kind: r
                .choice_required(t, "kind", &ActorKind::NAMES, ActorKind::parse)
                .map_or(ActorKind::Organization, |k| k.value),
            role: r.string(t, "role", false),
            stance: r.string(t, "stance", false),
            description: r.rich(t, "description", Mode::Blocks, false),
            interests: r.strings(t, "interests"),
        });
        let timeline = self.each_table(&mut top, "timeline", |r, t| Event {
            date: r.date(t, "date", true, false).unwrap_or(Spanned {
                value: UNKNOWN_DATE,
                span: t.span.clone(),
            }),
            end: r.date(t, "end", false, false),
            title: r.string(t, "title", true).unwrap_or_else(|| empty(&t.span)),
            description: r.rich(t, "description", Mode::Blocks, false),
            actors: r.strings(t, "actors"),
            sources: r.strings(t, "sources"),
        });
        let recommendations = self.each_table(&mut top, "recommendations", |r, t| Recommendation {
            title: r.string(t, "title", true).unwrap_or_else(|| empty(&t.span)),
            body: r.rich(t, "body", Mode::Blocks, false),
            audience: r.string(t, "audience", false),
            priority: r
                .choice(t, "priority", &Priority::NAMES, Priority::parse)
                .map(|p| p.value),
        });
        let sources = self.each_table(&mut top, "sources", |r, t| Source {
            id: r.id(t, "source"),
            title: r.string(t, "title", true).unwrap_or_else(|| empty(&t.span)),
            author: r.string(t, "author", false),
            publisher: r.string(t, "publisher", false),
            date: r.date(t, "date", false, false),
            url: r.url(t, "url"),
        });
        let figures = self.each_table(&mut top, "figures", |r, t| r.figure(t));
        self.finish(top);

        Brief {
            file: self.file.clone(),
            title: title.unwrap_or_else(|| empty(&(0..0))),
            subtitle,
            date: date.unwrap_or(Spanned {
                value: UNKNOWN_DATE,
                span: 0..0,
            }),
            language: language.unwrap_or(Spanned {
                value: Language {
                    primary: "en".into(),
                    script: None,
                    region: None,
                },
                span: 0..0,
            }),
            publisher,
            series,
            number,
            classification,
            marking,
            url,
            version,
            keywords,
            disclaimer,
            about,
            template,
            paper,
            style,
            authors,
            summary,
            sections,
            actors,
            timeline,
            recommendations,
            sources,
            figures,
            bibliography,
            library: Default::default(),
        }
    }
}
