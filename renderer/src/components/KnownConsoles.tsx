import type { ConsoleRecord } from '../../../shared/domain.ts'
import { formatMac } from '../format.ts'

export function KnownConsoles({ consoles }: { consoles: ConsoleRecord[] }) {
  return (
    <section aria-labelledby="known-heading">
      <h2 id="known-heading">Known consoles</h2>
      {consoles.length === 0 ? (
        <p className="empty">No consoles yet. Check one by address above.</p>
      ) : (
        <ul className="known" aria-label="Known consoles">
          {consoles.map((c) => (
            <li key={c.key}>
              <strong>{c.name ?? c.host}</strong> <span>{c.model ?? 'unknown model'}</span>{' '}
              <span className="muted">
                {c.key} · {formatMac(c.mac)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
