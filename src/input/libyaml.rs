//! libyaml's event parser (the C library's Rust translation), driven directly: the one YAML
//! parser in svcroute, used both to read objects ([`super::events`]) and to find field
//! positions ([`super::locate`]).
//!
//! Driving the event parser ourselves, rather than through a serde deserializer, keeps the
//! page's wasm free of a deserializer compiled for every API type, and gives every event its
//! position and every syntax error libyaml's own words and marks.

use std::ffi::{c_char, CStr};
use std::mem::MaybeUninit;

/// A position in the parsed text: byte index, 0-based line, 0-based column in characters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    pub index: usize,
    pub line: u32,
    pub column: u32,
}

impl Mark {
    fn from_raw(mark: unsafe_libyaml::yaml_mark_t) -> Mark {
        Mark {
            index: usize::try_from(mark.index).unwrap_or(usize::MAX),
            line: u32::try_from(mark.line).unwrap_or(u32::MAX),
            column: u32::try_from(mark.column).unwrap_or(u32::MAX),
        }
    }
}

/// One parser event, with what svcroute needs of it.
#[derive(Debug)]
pub(crate) enum Event {
    DocumentStart,
    Scalar {
        value: String,
        /// Written without quotes or block indicators, so YAML resolves its type (`80` is an
        /// integer, `true` a boolean, `null` or nothing at all null).
        plain: bool,
        anchor: Option<String>,
    },
    Alias(String),
    SequenceStart(Option<String>),
    SequenceEnd,
    MappingStart(Option<String>),
    MappingEnd,
    /// Stream start, document end: nothing to read.
    Other,
}

/// A syntax error in libyaml's words: the problem, where it is, and what was being parsed
/// (with where that started, e.g. the opening quote of an unclosed string).
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub problem: String,
    pub problem_mark: Mark,
    pub context: Option<(String, Mark)>,
}

/// libyaml's event parser over one text. Ends at the end of the stream or at the first
/// syntax error.
pub(crate) struct Parser<'a> {
    /// Boxed because libyaml's parser points at itself (its read handler's data).
    parser: Box<MaybeUninit<unsafe_libyaml::yaml_parser_t>>,
    text: std::marker::PhantomData<&'a str>,
    is_done: bool,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a str) -> Option<Parser<'a>> {
        let mut parser = Box::new(MaybeUninit::<unsafe_libyaml::yaml_parser_t>::uninit());
        let ptr = parser.as_mut_ptr();
        // SAFETY: `ptr` points to a heap allocation that never moves and outlives the parser
        // (deleted in `drop`); the input is borrowed for 'a, as long as `Parser` lives.
        unsafe {
            if unsafe_libyaml::yaml_parser_initialize(ptr).fail {
                return None;
            }
            unsafe_libyaml::yaml_parser_set_encoding(ptr, unsafe_libyaml::YAML_UTF8_ENCODING);
            unsafe_libyaml::yaml_parser_set_input_string(ptr, text.as_ptr(), text.len() as u64);
        }
        Some(Parser { parser, text: std::marker::PhantomData, is_done: false })
    }

    /// The next event with its start and end marks; `Ok(None)` at the end of the stream.
    pub(crate) fn next(&mut self) -> Result<Option<(Event, Mark, Mark)>, SyntaxError> {
        if self.is_done {
            return Ok(None);
        }
        let ptr = self.parser.as_mut_ptr();
        let mut event = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
        // SAFETY: the parser was initialized in `new`; an event is read only after
        // `yaml_parser_parse` succeeded, each union field only for its event type, and the
        // event is deleted before returning. After a failure `is_done` is set, so a failed
        // parser is never asked again.
        unsafe {
            if unsafe_libyaml::yaml_parser_parse(ptr, event.as_mut_ptr()).fail {
                self.is_done = true;
                return Err(syntax_error(&*ptr));
            }
            let raw = &*event.as_ptr();
            let kind = match raw.type_ {
                unsafe_libyaml::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
                unsafe_libyaml::YAML_SCALAR_EVENT => {
                    let scalar = raw.data.scalar;
                    let length = usize::try_from(scalar.length).unwrap_or(0);
                    let bytes = if scalar.value.is_null() {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(scalar.value, length)
                    };
                    // `!!str 80` is the string "80", whatever its style.
                    let is_str_tag =
                        c_text(scalar.tag.cast()).is_some_and(|tag| tag == "tag:yaml.org,2002:str");
                    Event::Scalar {
                        value: String::from_utf8_lossy(bytes).into_owned(),
                        plain: scalar.style == unsafe_libyaml::YAML_PLAIN_SCALAR_STYLE
                            && !is_str_tag,
                        anchor: c_text(scalar.anchor.cast()),
                    }
                }
                unsafe_libyaml::YAML_ALIAS_EVENT => {
                    Event::Alias(c_text(raw.data.alias.anchor.cast()).unwrap_or_default())
                }
                unsafe_libyaml::YAML_SEQUENCE_START_EVENT => {
                    Event::SequenceStart(c_text(raw.data.sequence_start.anchor.cast()))
                }
                unsafe_libyaml::YAML_MAPPING_START_EVENT => {
                    Event::MappingStart(c_text(raw.data.mapping_start.anchor.cast()))
                }
                unsafe_libyaml::YAML_MAPPING_END_EVENT => Event::MappingEnd,
                unsafe_libyaml::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
                unsafe_libyaml::YAML_STREAM_END_EVENT | unsafe_libyaml::YAML_NO_EVENT => {
                    self.is_done = true;
                    Event::Other
                }
                _ => Event::Other,
            };
            let marks = (Mark::from_raw(raw.start_mark), Mark::from_raw(raw.end_mark));
            unsafe_libyaml::yaml_event_delete(event.as_mut_ptr());
            if self.is_done {
                return Ok(None);
            }
            Ok(Some((kind, marks.0, marks.1)))
        }
    }
}

/// A NUL-terminated C string from libyaml, if there is one.
///
/// # Safety
/// `ptr` is null or points to a NUL-terminated string that lives while this runs.
unsafe fn c_text(ptr: *const c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    Some(CStr::from_ptr(ptr).to_string_lossy().into_owned())
}

/// The error a failed parser holds.
///
/// # Safety
/// `parser` was initialized and its last call failed.
unsafe fn syntax_error(parser: &unsafe_libyaml::yaml_parser_t) -> SyntaxError {
    SyntaxError {
        problem: c_text(parser.problem).unwrap_or_else(|| "invalid YAML".to_string()),
        problem_mark: Mark::from_raw(parser.problem_mark),
        context: c_text(parser.context)
            .map(|context| (context, Mark::from_raw(parser.context_mark))),
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        // SAFETY: the parser was initialized in `new` (a `Parser` exists only then).
        unsafe { unsafe_libyaml::yaml_parser_delete(self.parser.as_mut_ptr()) }
    }
}
