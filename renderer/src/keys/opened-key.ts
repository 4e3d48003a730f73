// The key list opened on one key (`#/keys&key=<id>`, the Overview's fix button):
// the filter is cleared and that key's row takes focus; otherwise the heading does.
import { useEffect, type RefObject } from 'react'
import { hashParam } from '../route.ts'

export function useOpenedKey(
  headingRef: RefObject<HTMLHeadingElement | null>,
  loaded: boolean,
  setFilter: (text: string) => void,
): void {
  const wanted = hashParam('key')
  useEffect(() => {
    headingRef.current?.focus()
  }, [headingRef])
  useEffect(() => {
    if (wanted) setFilter('')
  }, [wanted, setFilter])
  useEffect(() => {
    if (!wanted || !loaded) return
    const row = document.querySelector<HTMLElement>(`[data-key-id="${CSS.escape(wanted)}"] .col-name`)
    row?.scrollIntoView({ block: 'center' })
    row?.focus()
  }, [wanted, loaded])
}
