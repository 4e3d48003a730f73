// Display helpers shared by components.

/** "245A4CDD6616" → "24:5A:4C:DD:66:16". */
export const formatMac = (mac: string | null) => (mac ? mac.match(/../g)!.join(':') : 'unknown')

/** Splits a long fingerprint into two lines of 16 byte pairs so it can be compared by eye. */
export const fingerprintLines = (sha256: string) => {
  const bytes = sha256.split(':')
  return [bytes.slice(0, 16).join(':'), bytes.slice(16).join(':')]
}

/** The hour and minute of a time, in the user's locale ("14:02", "02:02 PM"). */
export const clockTime = (at: string | number) =>
  new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })

/** One formatter for core and renderer (shared/labels.ts). */
export { kindLabel } from '../../shared/labels.ts'
