/** A seeded generator (mulberry32): the same seed gives the same inputs, so every failure replays. */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** A size that is usually small and now and then large (up to `max`). */
  size(max: number): number {
    return this.chance(0.9) ? this.int(Math.min(64, max) + 1) : this.int(max + 1);
  }

  /** Printable ASCII, with now and then a byte that is not. */
  text(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += this.chance(0.97) ? String.fromCharCode(0x20 + this.int(95)) : String.fromCharCode(this.int(256));
    return s;
  }

  /** The input with a few characters replaced, inserted, deleted or repeated. */
  mutate(input: string): string {
    let s = input;
    for (let k = this.int(4); k > 0; k--) {
      const at = this.int(s.length + 1);
      switch (this.int(5)) {
        case 0:
          s = s.slice(0, at) + this.text(1) + s.slice(at + 1);
          break;
        case 1:
          s = s.slice(0, at) + this.pick(['(', ')', '"', '{', '}', '*', '%', '\\', '\r', '\n', '\0', ' ', ';', '=', ':', '.']) + s.slice(at);
          break;
        case 2:
          s = s.slice(0, at) + s.slice(at + 1 + this.int(8));
          break;
        case 3: {
          const piece = s.slice(at, at + 1 + this.int(6));
          s = s.slice(0, at) + piece.repeat(1 + this.size(2000)) + s.slice(at);
          break;
        }
        default:
          s = s.slice(0, at) + this.text(this.size(200)) + s.slice(at);
      }
    }
    return s;
  }
}
