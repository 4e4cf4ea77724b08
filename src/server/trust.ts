import type { ServiceDeps } from "../services/deps.ts";

/**
 * The trust services `cairn serve` offers on its public routes: each is loaded from the server's home at start and
 * absent when the home has none (its routes then answer NOT_CONFIGURED). One field per service.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TrustServices {}

/** Loads every trust service of the home; one line per service. */
export async function loadTrustServices(_app: ServiceDeps): Promise<TrustServices> {
  return {};
}
