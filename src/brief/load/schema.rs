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

        let authors = self.each_table(&mut top, "authors", Self::author);
        let summary = self.summary(&mut top);
        let sections = self.each_table(&mut top, "sections", Self::section);
        let actors = self.each_table(&mut top, "actors", Self::actor);
        let timeline = self.each_table(&mut top, "timeline", Self::event);
        let recommendations = self.each_table(&mut top, "recommendations", Self::recommendation);
        let sources = self.each_table(&mut top, "sources", Self::source);
        let figures = self.each_table(&mut top, "figures", Self::figure);
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

    /// An entry of `[[authors]]`.
    fn author(&mut self, t: &mut Table<'_, '_>) -> Author {
        Author {
            name: self.name(t).unwrap_or_else(|| empty(&t.span)),
            affiliation: self.string(t, "affiliation", false),
            bio: self.rich(t, "bio", Mode::Blocks, false),
        }
    }

    /// The `[summary]` table, which every brief has.
    fn summary(&mut self, top: &mut Table<'_, '_>) -> Summary {
        match self.table(top, "summary", true) {
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
        }
    }

    /// An entry of `[[sections]]`.
    fn section(&mut self, t: &mut Table<'_, '_>) -> Section {
        Section {
            heading: self
                .string(t, "heading", true)
                .unwrap_or_else(|| empty(&t.span)),
            body: self
                .rich(t, "body", Mode::Blocks, true)
                .unwrap_or_else(|| empty_rich(&t.span)),
            slide: self.rich(t, "slide", Mode::Blocks, false),
            figures: self.strings(t, "figures"),
        }
    }

    /// An entry of `[[actors]]`.
    fn actor(&mut self, t: &mut Table<'_, '_>) -> Actor {
        Actor {
            id: self.id(t, "actor"),
            name: self.name(t).unwrap_or_else(|| empty(&t.span)),
            kind: self
                .choice_required(t, "kind", &ActorKind::NAMES, ActorKind::parse)
                .map_or(ActorKind::Organization, |k| k.value),
            role: self.string(t, "role", false),
            stance: self.string(t, "stance", false),
            description: self.rich(t, "description", Mode::Blocks, false),
            interests: self.strings(t, "interests"),
        }
    }

    /// An entry of `[[timeline]]`.
    fn event(&mut self, t: &mut Table<'_, '_>) -> Event {
        Event {
            date: self.date(t, "date", true, false).unwrap_or(Spanned {
                value: UNKNOWN_DATE,
                span: t.span.clone(),
            }),
            end: self.date(t, "end", false, false),
            title: self
                .string(t, "title", true)
                .unwrap_or_else(|| empty(&t.span)),
            description: self.rich(t, "description", Mode::Blocks, false),
            actors: self.strings(t, "actors"),
            sources: self.strings(t, "sources"),
        }
    }

    /// An entry of `[[recommendations]]`.
    fn recommendation(&mut self, t: &mut Table<'_, '_>) -> Recommendation {
        Recommendation {
            title: self
                .string(t, "title", true)
                .unwrap_or_else(|| empty(&t.span)),
            body: self.rich(t, "body", Mode::Blocks, false),
            audience: self.string(t, "audience", false),
            priority: self
                .choice(t, "priority", &Priority::NAMES, Priority::parse)
                .map(|p| p.value),
        }
    }

    /// An entry of `[[sources]]`.
    fn source(&mut self, t: &mut Table<'_, '_>) -> Source {
        Source {
            id: self.id(t, "source"),
            title: self
                .string(t, "title", true)
                .unwrap_or_else(|| empty(&t.span)),
            author: self.string(t, "author", false),
            publisher: self.string(t, "publisher", false),
            date: self.date(t, "date", false, false),
            url: self.url(t, "url"),
        }
    }
}
