import { DUE_INDEX_SHARDS } from "../platform/resources.js";

/**
 * A clock's due index: a sparse GSI (`duePk`, `dueAt`) on the items that wait for a clock, spread
 * over a few partition keys so that a large run is not one hot key.
 */
const dueShardKey = (index: number) => `due#${index}`;

/** Shard of a due index for an item: stable, spread by its id. */
export function dueShard(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return dueShardKey(hash % DUE_INDEX_SHARDS);
}

/** Every shard of a due index: a clock reads them all. */
export function allDueShards(): string[] {
  return Array.from({ length: DUE_INDEX_SHARDS }, (_, index) => dueShardKey(index));
}
