/**
 * Reads the client's address for sign-in throttling. Some frameworks throw where there is no
 * connection (Astro's prerendered pages, SvelteKit adapters without one): that is no address.
 */
export function readClientAddress(read: () => string | null | undefined): string | null {
  try {
    return read() ?? null;
  } catch {
    return null;
  }
}
