// Types the extension-host side of the training panel shares with the page and the data loaders.

export type { DatasetHeader, FromWebview, HostDataSpec, ToWebview } from '../../protocol/training';
export type { CheckpointPayload, WeightsPayload } from '../../protocol/training-payloads';
export type { ImageSet } from '../../train/data/dataset';
