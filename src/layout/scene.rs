//! The scene: positioned shapes as plain data, painted by thin backends (`svg.rs` for the
//! standalone picture and the page's diagram, the page's packet overlay).
//! Nothing here knows SVG text, Yew or the DOM.

/// A point in scene coordinates (pixels at 100 % zoom).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    pub fn distance(self, other: Point) -> f64 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }
}

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub fn center_y(&self) -> f64 {
        self.y + self.h / 2.0
    }

    /// Whether two rectangles share any area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// What a box stands for; backends pick colours and icons from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxKind {
    Client,
    LoadBalancer,
    Node,
    Pod,
    /// A stand-in for pods not drawn one by one ("+12 more pods").
    MorePods,
}

/// A state a backend shows (by pattern and text, never by colour alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxState {
    Normal,
    /// A pod that is not ready, or a node that is not Ready.
    NotReady,
    /// A pod with a deletionTimestamp.
    Terminating,
    /// A node the load balancer does not send to (excluded, or failing its health check).
    OutOfPool,
    /// The client pod or node.
    IsClient,
}

/// A labelled box: client, load balancer, node, pod.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxShape {
    pub kind: BoxKind,
    /// A stable id (`node/kind-worker`, `pod/kiada-001`), used for selection and tests.
    pub id: String,
    pub rect: Rect,
    pub title: String,
    /// Lines under the title (IP, readiness, share).
    pub lines: Vec<String>,
    /// Where connections die in this box: `✕ dropped: … has no local endpoints`.
    pub alert: Option<String>,
    pub state: BoxState,
}

/// The node port (or external IP / VIP port) open on a node's edge.
#[derive(Debug, Clone, PartialEq)]
pub struct PortMark {
    pub node: String,
    pub at: Point,
    pub label: String,
    /// Where the label ends (the right end of its baseline): on the node's title line, at its
    /// right, where no wire passes (wires arrive at `at`, on the left edge).
    pub label_at: Point,
}

/// One path of the explanation drawn as a wire: one polyline per hop, in hop order.
#[derive(Debug, Clone, PartialEq)]
pub struct Wire {
    /// Index into `Explanation.paths`.
    pub path_idx: usize,
    pub hops: Vec<Vec<Point>>,
    /// Stroke width in pixels: proportional to the path's share.
    pub width: f64,
    pub is_delivered: bool,
    /// `1/3`, for the wire's tooltip.
    pub share_label: String,
}

/// Where a connection dies (dropped or rejected), with why.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub path_idx: usize,
    pub at: Point,
    /// `dropped` or `rejected`.
    pub outcome: String,
    pub reason: String,
}

/// A free-standing line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub at: Point,
    pub text: String,
    pub is_heading: bool,
}

/// Everything a backend draws, in painting order: boxes, then wires, then marks and labels.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub boxes: Vec<BoxShape>,
    pub ports: Vec<PortMark>,
    pub wires: Vec<Wire>,
    pub stops: Vec<Stop>,
    pub labels: Vec<Label>,
}
