/** JSON kept in a text column. A value that will not parse reads as the fallback rather than failing the page. */
export function readJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
