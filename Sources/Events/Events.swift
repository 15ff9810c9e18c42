// Events: event streams, dataset readers for the original file formats, synthetic datasets
// and frame binning (DESIGN.md, "Events and frames").
//
// Entry points:
// - `DatasetLoader.load(_:root:options:to:progress:)` and `SyntheticDataset.write(like:…)`
//   write an events container (`EventsContainerWriter` / `EventsContainer`): the `load` stage.
// - `Binning.bin(events:frames:splitBy:to:progress:)` writes a frames container
//   (`FramesContainer`), which the training engine reads: the `bin` stage.
