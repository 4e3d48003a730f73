// The plan step's "can Home Assistant take this key?" line, asked before the key is minted
// (ha.fit). Only a misfit is shown: e.g. a Home Assistant whose UniFi Network integration
// has no API-key mode yet (home-assistant.md §3.2, detected by its menu, not its version).
import { useEffect, useState } from 'react'
import type { HaFit as Fit, UnifiApp } from '../../../shared/domain.ts'
import { useKeys } from '../keys/context.ts'
import { Callout } from './parts.tsx'

export function HaFit({ app }: { app: UnifiApp }) {
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
      if (live)
        setAnswer({
          asked: `${app}|${ids}`,
          fits: all.flatMap((o) => (o.ok && o.value.fit !== 'ready' && o.value.message ? [o.value] : [])),
        })
    })
    return () => {
      live = false
    }
  }, [app, ids, haFit])
  const fits = answer.asked === asked ? answer.fits : []
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
