// Can Home Assistant take this key? Asked before the key is minted (the plan
// step's line) and on the Done screen (whether "Send to Home Assistant" leads):
// ha.fit per connected Home Assistant, for Network only — e.g. a Home Assistant
// whose UniFi Network integration has no API-key mode yet (home-assistant.md
// §3.2, detected by its menu, not its version). Protect and Access always fit.
import { useEffect, useState } from 'react'
import type { HaFit as Fit, UnifiApp } from '../../../shared/domain.ts'
import { useKeys } from '../keys/context.ts'
import { Callout } from './parts.tsx'

/** Every connected Home Assistant's answer for `app` (none for Protect and Access, or while asking). */
function useHaFits(app: UnifiApp): Fit[] {
  const ha = useKeys((s) => s.ha)
  const haFit = useKeys((s) => s.haFit)
  const loaded = useKeys((s) => s.loaded)
  const load = useKeys((s) => s.load)
  const ids = ha.map((h) => h.id).join(',')
  const asked = `${app}|${ids}`
  // The answers belong to the question they were asked for (app + connected HAs).
  const [answer, setAnswer] = useState<{ asked: string; fits: Fit[] }>({ asked: '', fits: [] })
  useEffect(() => {
    if (!loaded && app === 'network') void load()
  }, [loaded, load, app])
  useEffect(() => {
    let live = true
    if (app !== 'network' || ids === '') return
    void Promise.all(ids.split(',').map((id) => haFit(id, app))).then((all) => {
      if (live) setAnswer({ asked: `${app}|${ids}`, fits: all.flatMap((o) => (o.ok ? [o.value] : [])) })
    })
    return () => {
      live = false
    }
  }, [app, ids, haFit])
  return answer.asked === asked ? answer.fits : []
}

/**
 * Whether "Send to Home Assistant" can work for this app: false only when every connected Home
 * Assistant answered that its integration cannot take the key (none connected: connecting is offered).
 */
export function useHaTakes(app: UnifiApp): boolean {
  const fits = useHaFits(app)
  return fits.length === 0 || fits.some((f) => f.fit === 'ready' || f.fit === 'unknown')
}

export function HaFit({ app }: { app: UnifiApp }) {
  const fits = useHaFits(app).filter((f) => f.fit !== 'ready' && f.message)
  if (fits.length === 0) return null
  return (
    <Callout tone="warn" title="Home Assistant cannot take this key yet" label="Home Assistant fit">
      {fits.map((f, i) => (
        <p key={i} data-testid="ha-fit" data-fit={f.fit}>
          {f.message}
        </p>
      ))}
    </Callout>
  )
}
