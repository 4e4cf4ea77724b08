import type { TileReader } from "../../tlog/tiles.ts";

/** A tile the synchronous tree code asked for before it was read from the store. */
class TileMiss {
  constructor(
    readonly level: number,
    readonly index: number,
  ) {}
}

/**
 * The tree code (src/tlog) is synchronous and pure; tiles come from an asynchronous store. run() gives it a reader
 * over the tiles read so far: on a tile not read yet the computation stops, the tile is read, and it runs again. A
 * computation touches O(log n) tiles, each read once per TileFetch (the cache is shared by every run of it).
 */
export class TileFetch {
  private readonly tiles = new Map<string, Uint8Array | undefined>();

  constructor(private readonly fetch: (level: number, index: number) => Promise<Uint8Array | undefined>) {}

  readonly read: TileReader = (level, index) => {
    const k = `${level}/${index}`;
    if (!this.tiles.has(k)) throw new TileMiss(level, index);
    return this.tiles.get(k);
  };

  async run<T>(compute: (read: TileReader) => T): Promise<T> {
    for (;;) {
      try {
        return compute(this.read);
      } catch (e) {
        if (!(e instanceof TileMiss)) throw e;
        this.tiles.set(`${e.level}/${e.index}`, await this.fetch(e.level, e.index));
      }
    }
  }
}
