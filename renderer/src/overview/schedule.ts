// The key watch's schedule, live (`keys.scheduleChanged`): the Overview's "next check at 14:32".
import { useEffect, useState } from 'react'
import type { SweepScheduleView } from '../../../shared/views.ts'
import { keyward } from '../api.ts'

export function useSweepSchedule(): SweepScheduleView | null {
  const [schedule, setSchedule] = useState<SweepScheduleView | null>(null)
  useEffect(() => {
    if (!keyward) return
    let live = true
    void keyward.keys.schedule({}).then((r) => {
      if (live && r.ok) setSchedule(r.value)
    })
    const off = keyward.on('keys.scheduleChanged', setSchedule)
    return () => {
      live = false
      off()
    }
  }, [])
  return schedule
}
