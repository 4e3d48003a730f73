// The check interval preference, live (`preferences.changed`), for "next check in about …".
import { useEffect, useState } from 'react'
import { keyward } from '../api.ts'

export function useCheckInterval(): number | null {
  const [minutes, setMinutes] = useState<number | null>(null)
  useEffect(() => {
    if (!keyward) return
    let live = true
    void keyward.preferences.get({}).then((r) => {
      if (live && r.ok) setMinutes(r.value.checkIntervalMinutes)
    })
    const off = keyward.on('preferences.changed', (p) => setMinutes(p.checkIntervalMinutes))
    return () => {
      live = false
      off()
    }
  }, [])
  return minutes
}
