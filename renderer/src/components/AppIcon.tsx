// Keyward's mark and one neutral glyph per app it makes keys for (a camera for
// Protect, linked nodes for Network, a door for Access, an antenna for UISP).
// Original drawings, not Ubiquiti's artwork. The SVG files in ./icons are the
// one source: AppIcon.css paints each glyph as a mask in the text colour, so
// it follows light and dark; the wizard's `.app-mark` tiles use the same masks.
import './AppIcon.css'

export type AppIconName = 'keyward' | 'protect' | 'network' | 'access' | 'uisp'

const LABELS: Record<AppIconName, string> = {
  keyward: 'Keyward',
  protect: 'UniFi Protect',
  network: 'UniFi Network',
  access: 'UniFi Access',
  uisp: 'UISP',
}

/** A glyph; decorative (hidden from screen readers) unless `label` is true. */
export function AppIcon({ app, label = false, className }: { app: AppIconName; label?: boolean; className?: string }) {
  const classes = ['app-icon', `app-icon-${app}`, className].filter(Boolean).join(' ')
  return label ? (
    <span className={classes} role="img" aria-label={LABELS[app]} />
  ) : (
    <span className={classes} aria-hidden="true" />
  )
}
