// Small formatting helpers that are not UniFi-specific, one copy each (issue 16): used by the core, the
// shell and the renderer alike, so pure and dependency-free.

/** A host as it appears in a URL or a Host header: IPv6 literals in brackets. */
export function bracketHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/**
 * The address key of a console or server: `host:port`, IPv6 in brackets ("[fe80::1]:443"). The one
 * identifier Keyward files consoles and UISP servers under (glossary: address key).
 */
export function addressKey(host: string, port: number): string {
  return `${bracketHost(host)}:${port}`
}

/** A secret as the UI may show it: first and last four characters; a short one entirely hidden. */
export function maskSecret(secret: string): string {
  return secret.length <= 10 ? '•'.repeat(secret.length) : `${secret.slice(0, 4)}…${secret.slice(-4)}`
}

/**
 * Compares dotted versions numerically: "7.10.0" ≥ "7.2.105"; a suffix ("+build", "-beta") is ignored,
 * and so is a leading "v" ("v7.3.12", as release tags write it), which would otherwise read as 0.
 */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version
    .trim()
    .replace(/^v/i, '')
    .split(/[.+-]/)
    .map((p) => Number.parseInt(p, 10) || 0)
  const b = minimum.split('.').map((p) => Number.parseInt(p, 10) || 0)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  }
  return true
}
