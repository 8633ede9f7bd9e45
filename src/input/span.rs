//! Positions in the pasted text and API field paths.

use std::fmt;

/// A place in the pasted text: 1-based line and column (in characters), and a length in
/// characters (at least 1) for the caret underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub len: u32,
}

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathSegment {
    Field(String),
    Index(usize),
}

/// A path to a field inside one API object, printed the way the API server prints it:
/// `spec.ports[1].nodePort`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath {
    pub segments: Vec<PathSegment>,
}

impl FieldPath {
    /// The empty path: the object itself.
    pub fn root() -> Self {
        Self::default()
    }

    /// This path with a field name appended.
    pub fn field(&self, name: &str) -> Self {
        let mut path = self.clone();
        path.segments.push(PathSegment::Field(name.to_string()));
        path
    }

    /// This path with a list index appended.
    pub fn index(&self, idx: usize) -> Self {
        let mut path = self.clone();
        path.segments.push(PathSegment::Index(idx));
        path
    }

    /// Parses `spec.ports[1].nodePort`; used by tests and by callers that hold paths as text.
    pub fn parse(text: &str) -> Self {
        let mut segments = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            // No slicing by index: a slice that could panic links core's panic formatting
            // (about 2 KB of the page).
            let (field, mut indices) = match part.split_once('[') {
                Some((field, indices)) => (field, Some(indices)),
                None => (part, None),
            };
            if !field.is_empty() {
                segments.push(PathSegment::Field(field.to_string()));
            }
            while let Some((index, after)) = indices.and_then(|text| text.split_once(']')) {
                if let Ok(idx) = index.parse() {
                    segments.push(PathSegment::Index(idx));
                }
                indices = after.strip_prefix('[');
            }
        }
        Self { segments }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for segment in &self.segments {
            match segment {
                PathSegment::Field(name) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                PathSegment::Index(idx) => write!(f, "[{idx}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_path_round_trips_through_text() {
        let path = FieldPath::root().field("spec").field("ports").index(1).field("nodePort");
        assert_eq!(path.to_string(), "spec.ports[1].nodePort");
        assert_eq!(FieldPath::parse("spec.ports[1].nodePort"), path);
    }
}
