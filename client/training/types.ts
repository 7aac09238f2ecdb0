// Types the extension-host side of the training panel shares with the page and the data loaders.

export type { CheckpointPayload, DatasetHeader, FromWebview, HostDataSpec, ToWebview, WeightsPayload } from '../../protocol/training';
export type { ImageSet } from '../../train/data/dataset';
