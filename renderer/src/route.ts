// The app's sections as URL fragments, so the tray can open one directly:
// `index.html#/keys` (the key list), `#/new` (the setup wizard), `#/network`
// (everything discovery found), `#/consoles`.
// Anything else (no fragment at all) opens the wizard.
import { useCallback, useEffect, useState } from 'react'

export type View = 'new' | 'keys' | 'network' | 'consoles'

const VIEWS: Record<string, View> = { '/new': 'new', '/keys': 'keys', '/network': 'network', '/consoles': 'consoles' }

export function viewFromHash(hash: string): View {
  const path = hash.replace(/^#/, '').split('&')[0] ?? ''
  return VIEWS[path] ?? 'new'
}

/** Switches section; the fragment changes so a reload (or the tray) lands on the same one. */
export function openView(view: View): void {
  if (viewFromHash(window.location.hash) !== view || window.location.hash === '') window.location.hash = `/${view}`
}

/** The current section, following the fragment (tray links, back/forward, `openView`). */
export function useView(): [View, (view: View) => void] {
  const [view, setView] = useState<View>(() => viewFromHash(window.location.hash))
  useEffect(() => {
    const follow = () => setView(viewFromHash(window.location.hash))
    window.addEventListener('hashchange', follow)
    return () => window.removeEventListener('hashchange', follow)
  }, [])
  const go = useCallback((next: View) => {
    setView(next)
    openView(next)
  }, [])
  return [view, go]
}
