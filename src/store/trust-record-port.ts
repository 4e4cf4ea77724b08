/**
 * Storage port of the trust record: what the `cairn serve` replicas of one database serve keyless signing with —
 * public URL, CA and TSA chains, OIDC key and log key, as fingerprints (settings row `serve_trust`). Never a private
 * key: those stay in each replica's home.
 */
export interface TrustRecordRepo {
  get(): Promise<string | undefined>;
  /** Records `value` unless one is recorded; answers the recorded value (of the replicas starting together, one wins). */
  claim(value: string): Promise<string>;
  /** Records `value` whatever was recorded (`cairn serve --adopt-trust`). */
  replace(value: string): Promise<void>;
}
