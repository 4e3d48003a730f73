// "Which UniFi Network site?": the key sees several sites, and Home Assistant makes one
// `unifi` entry per site (home-assistant.md §3.2 `network_site`). Keyward does not guess:
// each button sends the key again with that site.
import { useKeys } from './context.ts'

export function HaSiteChoice({
  keyId,
  haId,
  sites,
}: {
  keyId: string
  haId: string
  sites: { id: string; name: string }[]
}) {
  const push = useKeys((s) => s.push)
  const busy = useKeys((s) => s.rows[keyId]?.busy ?? null)
  return (
    <div
      className="actions"
      role="group"
      aria-label="UniFi Network site for Home Assistant"
      data-testid="ha-site-choice"
    >
      {sites.map((site) => (
        <button
          key={site.id}
          type="button"
          className="button small primary"
          disabled={busy !== null}
          onClick={() => void push(keyId, haId, { siteId: site.id })}
        >
          Use site “{site.name}”
        </button>
      ))}
    </div>
  )
}
