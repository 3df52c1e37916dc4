//! 2.5-D screening (a model with `preprocess.context`): every file's metadata is read first
//! (parsing stops before the pixel data), CT and MR slices are grouped into series and sorted
//! along the slice normal (radscreen-dicom's series grouping), and files are then decoded in
//! that order, each once. A slice's input is its own channels stacked with its neighbours',
//! taken from a window of decoded slices that moves along the series: memory is bounded by the
//! window and the decode queue, not by the study (a 5,000-slice series runs in flat memory).
//!
//! A neighbour outside the files to report (another shard, a file a resumed run already did)
//! is decoded for its pixels only. A neighbour that could not be decoded, or came out another
//! size, counts as a gap: the slice's row says `gap` and the nearer slice fills its place.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::time::Instant;

use ndarray::Array3;
use radscreen_dicom::{ImageMeta, ReadOptions, group_series, read_metadata};
use radscreen_imaging::preprocess::{
    ContextNote, ContextPlan, InputKind, SliceContext, alone, series_context, stack,
};
use rayon::prelude::*;

use crate::work::{DecodeContext, FileWork, decode_file};

/// One file to decode, in decoding order.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Index into the universe of files.
    pub file: usize,
    /// Its rows go to the report (else it is decoded for its neighbours only).
    pub report: bool,
    /// Its series (entries of one group are contiguous and in slice order).
    pub group: usize,
    /// Position in the series.
    pub slot: usize,
    /// For a series member: which slots fill its channel groups. `None`: the file stands
    /// alone (not a CT/MR slice, a multi-frame file, unreadable metadata).
    pub context: Option<SliceContext>,
}

/// Whether a file's slices can be stacked with other files' (single-frame CT or MR).
fn is_slice(meta: &ImageMeta) -> bool {
    meta.frames <= 1 && is_ct_or_mr(meta)
}

/// A run of images that can be each other's neighbours, in slice order.
pub(crate) struct SliceGroup {
    /// Indices into the items given to [`slice_groups`].
    pub members: Vec<usize>,
    /// Positions along the slice normal (mm), when the series was ordered by them.
    pub positions: Option<Vec<f64>>,
    /// Whether members are slices to stack (else a single image that stands alone).
    pub slices: bool,
}

/// Groups images (`(metadata, frame)`; `None` where the metadata could not be read) into
/// series of slices: single-frame CT and MR files by Series Instance UID along the slice
/// normal (radscreen-dicom's grouping), a multi-frame CT or MR file's frames in frame order;
/// anything else alone. Groups come in the order of their first item.
pub(crate) fn slice_groups(items: &[(Option<&ImageMeta>, u32)]) -> Vec<SliceGroup> {
    let single: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].0.is_some_and(is_slice))
        .collect();
    let metas: Vec<ImageMeta> = single.iter().filter_map(|&i| items[i].0.cloned()).collect();
    let mut groups: Vec<SliceGroup> = group_series(&metas)
        .into_iter()
        .map(|s| {
            let members: Vec<usize> = s.members.iter().map(|&m| single[m]).collect();
            let positions = (s.positions.len() == members.len()).then_some(s.positions);
            SliceGroup {
                members,
                positions,
                slices: true,
            }
        })
        .collect();
    // a multi-frame volume's frames, by file
    let mut volumes: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (meta, _)) in items.iter().enumerate() {
        match meta {
            Some(m) if m.frames > 1 && is_ct_or_mr(m) => {
                volumes.entry(&m.path).or_default().push(i)
            }
            Some(m) if is_slice(m) => {}
            _ => groups.push(SliceGroup {
                members: vec![i],
                positions: None,
                slices: false,
            }),
        }
    }
    for (_, mut members) in volumes {
        members.sort_by_key(|&i| items[i].1);
        groups.push(SliceGroup {
            members,
            positions: None,
            slices: true,
        });
    }
    groups.sort_by_key(|g| g.members.iter().copied().min());
    groups
}

fn is_ct_or_mr(meta: &ImageMeta) -> bool {
    stacks(meta.modality.as_deref())
}

/// Whether images of `modality` are slices a 2.5-D model stacks (CT and MR).
fn stacks(modality: Option<&str>) -> bool {
    matches!(
        InputKind::for_modality(modality),
        InputKind::Ct | InputKind::Mr
    )
}

/// Decoding order for `universe` (relative paths under `root`); `report[i]` says whether file
/// `i` is screened. Series come in the order of their first file, slices along the normal.
pub(crate) fn layout(
    root: &Path,
    universe: &[String],
    report: &[bool],
    plan: &ContextPlan,
    read: &ReadOptions,
) -> Vec<Entry> {
    let metas: Vec<Option<ImageMeta>> = universe
        .par_iter()
        .map(|rel| read_metadata(root.join(rel), read).ok())
        .collect();
    // a multi-frame file stands alone here: its frames are stacked within the file
    let items: Vec<(Option<&ImageMeta>, u32)> = metas
        .iter()
        .map(|m| (m.as_ref().filter(|m| m.frames <= 1), 0))
        .collect();
    let mut order = Vec::with_capacity(universe.len());
    for (group, g) in slice_groups(&items).into_iter().enumerate() {
        let members = &g.members;
        let ctx: Vec<Option<SliceContext>> = if g.slices {
            let joined = |i: usize| match (&metas[members[i]], &metas[members[i + 1]]) {
                (Some(a), Some(b)) => {
                    (a.rows, a.columns) == (b.rows, b.columns) && same_spacing(a, b)
                }
                _ => false,
            };
            series_context(members.len(), g.positions.as_deref(), plan, &joined)
                .into_iter()
                .map(Some)
                .collect()
        } else {
            vec![None; members.len()]
        };
        // the slots a reported slice needs: itself and its sources
        let mut needed = vec![false; members.len()];
        for (slot, &f) in members.iter().enumerate() {
            if report[f] {
                needed[slot] = true;
                for &s in ctx[slot].iter().flat_map(|c| &c.sources) {
                    needed[s] = true;
                }
            }
        }
        for (slot, (&file, context)) in members.iter().zip(ctx).enumerate() {
            if needed[slot] {
                order.push(Entry {
                    file,
                    report: report[file],
                    group,
                    slot,
                    context,
                });
            }
        }
    }
    order
}

fn same_spacing(a: &ImageMeta, b: &ImageMeta) -> bool {
    match (a.pixel_spacing, b.pixel_spacing) {
        (Some(x), Some(y)) => (x[0] - y[0]).abs() < 1e-3 && (x[1] - y[1]).abs() < 1e-3,
        (None, None) => true,
        _ => false,
    }
}

/// The first frame's prepared input of a decoded slice, if it has one.
fn slice_input(w: &FileWork) -> Option<Array3<f32>> {
    match w {
        FileWork::Image { inputs, .. } => inputs
            .first()
            .filter(|f| f.frame == 0)
            .map(|f| f.input.clone()),
        _ => None,
    }
}

/// Stacks a file that stands alone: a multi-frame CT/MR takes its own frames as neighbours
/// (in frame order, which is slice order for the files that carry volumes this way), anything
/// else repeats itself.
fn widen_alone(w: &mut FileWork, plan: &ContextPlan) {
    let FileWork::Image { inputs, meta, .. } = w else {
        return;
    };
    let volume = inputs.len() > 1 && stacks(Some(meta.modality.as_str()));
    if !volume {
        for f in inputs.iter_mut() {
            f.input = alone(&f.input, plan);
            f.context = ContextNote::Single.name().to_string();
        }
        return;
    }
    let joined = |i: usize| {
        inputs[i + 1].frame == inputs[i].frame + 1
            && inputs[i + 1].input.dim() == inputs[i].input.dim()
    };
    let ctx = series_context(inputs.len(), None, plan, &joined);
    let stacked: Vec<Array3<f32>> = ctx
        .iter()
        .map(|c| {
            stack(
                &c.sources
                    .iter()
                    .map(|&s| &inputs[s].input)
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    for ((f, c), s) in inputs.iter_mut().zip(&ctx).zip(stacked) {
        f.input = s;
        f.context = c.note.name().to_string();
    }
}

/// Turns decoded files, in [`layout`]'s order, into files whose inputs are stacked with their
/// neighbours. Feed it with [`Assembler::push`]; it returns what is ready to score.
pub(crate) struct Assembler<'a> {
    plan: &'a ContextPlan,
    group: Option<usize>,
    /// Decoded slices of the current series still needed by a later slice (`None`: unusable).
    window: BTreeMap<usize, Option<Array3<f32>>>,
    /// Reported slices waiting for their later neighbours.
    waiting: VecDeque<(FileWork, SliceContext, usize)>,
}

impl<'a> Assembler<'a> {
    pub fn new(plan: &'a ContextPlan) -> Self {
        Assembler {
            plan,
            group: None,
            window: BTreeMap::new(),
            waiting: VecDeque::new(),
        }
    }

    /// Takes the next decoded file (in layout order) and returns the files now complete.
    pub fn push(&mut self, entry: &Entry, mut work: FileWork) -> Vec<FileWork> {
        let mut out = Vec::new();
        if self.group != Some(entry.group) {
            out.extend(self.finish());
            self.group = Some(entry.group);
        }
        let Some(ctx) = entry.context.clone() else {
            widen_alone(&mut work, self.plan);
            if entry.report {
                out.push(work);
            }
            return out;
        };
        self.window.insert(entry.slot, slice_input(&work));
        if entry.report {
            self.waiting.push_back((work, ctx, entry.slot));
        }
        // slices whose last neighbour has arrived
        while let Some((_, c, _)) = self.waiting.front() {
            if c.sources.iter().any(|&s| s > entry.slot) {
                break;
            }
            if let Some(done) = self.waiting.pop_front() {
                out.push(self.complete(done));
            }
        }
        // later slices need nothing more than k slots back
        let keep_from = self
            .waiting
            .front()
            .and_then(|(_, c, _)| c.sources.first().copied())
            .unwrap_or(usize::MAX)
            .min((entry.slot + 1).saturating_sub(self.plan.slices));
        self.window = self.window.split_off(&keep_from);
        out
    }

    /// Completes what is waiting (the end of a series, or of the run).
    pub fn finish(&mut self) -> Vec<FileWork> {
        let out = std::mem::take(&mut self.waiting)
            .into_iter()
            .map(|w| self.complete(w))
            .collect();
        self.window.clear();
        out
    }

    fn complete(&self, (mut work, ctx, slot): (FileWork, SliceContext, usize)) -> FileWork {
        let FileWork::Image { inputs, .. } = &mut work else {
            return work; // skipped or failed: its row says so already
        };
        let Some(own) = inputs.first_mut() else {
            return work;
        };
        let mut note = ctx.note;
        let parts: Vec<&Array3<f32>> = ctx
            .sources
            .iter()
            .map(|s| match self.window.get(s) {
                Some(Some(a)) if *s == slot || a.dim() == own.input.dim() => a,
                // another size, or not decodable: the slice stands in for it
                _ => {
                    note = note.max(ContextNote::Gap);
                    &own.input
                }
            })
            .collect();
        let stacked = stack(&parts);
        own.input = stacked;
        own.context = note.name().to_string();
        work
    }
}

/// The decode side of a 2.5-D run: [`layout`], then decoder threads that take files in that
/// order, and the [`Assembler`] that stacks slices in order and sends them to the feeder.
pub(crate) struct SeriesDecode<'a> {
    pub plan: &'a ContextPlan,
    pub cx: &'a DecodeContext<'a>,
    pub threads: usize,
    pub stop: &'a AtomicBool,
    pub decode_ns: &'a AtomicU64,
}

impl SeriesDecode<'_> {
    /// Decodes and stacks `files` (with neighbours from `universe`), sending each to `tx` in
    /// series order. Returns when done, or when the receiver or the stop flag says so.
    pub fn run(&self, files: &[String], universe: &[String], tx: SyncSender<FileWork>) {
        let reported: HashSet<&str> = files.iter().map(String::as_str).collect();
        let mut all: Vec<String> = universe.to_vec();
        let known: HashSet<&str> = universe.iter().map(String::as_str).collect();
        all.extend(
            files
                .iter()
                .filter(|f| !known.contains(f.as_str()))
                .cloned(),
        );
        let report: Vec<bool> = all.iter().map(|f| reported.contains(f.as_str())).collect();
        let order = layout(self.cx.root, &all, &report, self.plan, self.cx.read);
        // A decoder takes a token before it takes a file and the assembler gives one back per
        // file it uses: a slow file holds back at most two files per decoder. The feeder's
        // queue of `queue` files is the buffer ahead of the model, as without 2.5-D; a second
        // one here would double the decoded pixels held (measured: 1.7 GB at 500 files with
        // `queue` + threads tokens).
        let cap = 2 * self.threads.max(1);
        let (tok_tx, tok_rx) = sync_channel::<()>(cap);
        for _ in 0..cap {
            let _ = tok_tx.send(());
        }
        let tok_rx = Mutex::new(tok_rx);
        let next = AtomicUsize::new(0);
        let (dtx, drx) = sync_channel::<(usize, FileWork)>(cap);
        std::thread::scope(|s| {
            for _ in 0..self.threads {
                let (dtx, tok_rx, next, order, all) = (dtx.clone(), &tok_rx, &next, &order, &all);
                s.spawn(move || {
                    loop {
                        let token = tok_rx
                            .lock()
                            .map_err(|_| ())
                            .and_then(|r| r.recv().map_err(|_| ()));
                        if token.is_err() || self.stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(e) = order.get(i) else { return };
                        let t = Instant::now();
                        let w = decode_file(&all[e.file], self.cx);
                        self.decode_ns
                            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
                        if dtx.send((i, w)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(dtx);
            let mut asm = Assembler::new(self.plan);
            let mut held: BTreeMap<usize, FileWork> = BTreeMap::new();
            let mut want = 0usize;
            for (i, w) in drx.iter() {
                held.insert(i, w);
                while let Some(w) = held.remove(&want) {
                    for done in asm.push(&order[want], w) {
                        if tx.send(done).is_err() {
                            self.stop.store(true, Ordering::Relaxed);
                            drop(tok_tx);
                            return;
                        }
                    }
                    want += 1;
                    let _ = tok_tx.send(());
                }
            }
            for done in asm.finish() {
                if tx.send(done).is_err() {
                    break;
                }
            }
            drop(tok_tx);
        });
    }
}
