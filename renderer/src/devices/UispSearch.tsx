// "Search this subnet for UISP" (issue 17): a UISP server announces itself in no
// way, so Keyward can try every address of the network this computer is on. The
// core runs it (discovery/uisp-search.ts: bounded, every connection with a
// deadline) and reports "tried of total" in the status; this shows the progress,
// a Cancel, and one sentence when it ends.
import { useEffect, useRef } from 'react'
import type { UispSearchProgress } from '../../../shared/inventory.ts'

export function resultSentence(p: UispSearchProgress): string {
  const where = p.found.length === 1 ? `at ${p.found[0]}` : `at ${p.found.join(', ')}`
  const found =
    p.found.length === 0
      ? 'No UISP server answered'
      : `Found ${p.found.length === 1 ? 'a UISP server' : `${p.found.length} UISP servers`} ${where}`
  const tried = `${p.tried} of ${p.total} addresses tried`
  const big =
    p.tooLarge.length > 0
      ? ' Some networks are too large to try address by address; enter the server’s address instead.'
      : ''
  if (p.cancelled) return `Search stopped: ${tried}. ${found}.${big}`
  if (p.found.length === 0) return `${found} on this network (${tried}). Enter its address if it is elsewhere.${big}`
  return `${found} (${tried}).${big}`
}

export function UispSearch({
  progress,
  running: discoveryRunning,
  onSearch,
  onCancel,
}: {
  progress: UispSearchProgress | null
  running: boolean
  onSearch: () => void
  onCancel: () => void
}) {
  const searching = progress?.running ?? false
  const resultRef = useRef<HTMLParagraphElement>(null)
  const wasSearching = useRef(false)
  // The end of a search the user started here: its sentence is where the eye (and focus) goes.
  useEffect(() => {
    if (wasSearching.current && !searching) resultRef.current?.focus()
    wasSearching.current = searching
  }, [searching])
  return (
    <div className="uisp-search">
      {searching ? (
        <div className="uisp-search-progress">
          <label>
            Trying every address on this subnet for a UISP server…
            <progress
              max={Math.max(1, progress!.total)}
              value={progress!.tried}
              aria-valuetext={`${progress!.tried} of ${progress!.total} addresses tried`}
            />
          </label>
          <p className="muted" data-testid="uisp-search-progress" aria-live="off">
            {progress!.tried} of {progress!.total} addresses tried
            {progress!.found.length > 0 ? ` · found ${progress!.found.join(', ')}` : ''}
          </p>
          <button type="button" className="button secondary" onClick={onCancel}>
            Cancel search
          </button>
        </div>
      ) : (
        <button type="button" className="button secondary" disabled={!discoveryRunning} onClick={onSearch}>
          Search this subnet for UISP
        </button>
      )}
      <div aria-live="polite">
        {progress && !progress.running && (
          <p ref={resultRef} tabIndex={-1} className="uisp-search-result" data-testid="uisp-search-result">
            {resultSentence(progress)}
          </p>
        )}
      </div>
    </div>
  )
}
