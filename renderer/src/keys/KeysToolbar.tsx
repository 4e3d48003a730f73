// Above the key list: the filter, the sort (a choice and its direction) and how many keys show.
import type { KeyView } from '../../../shared/domain.ts'
import { useKeys } from './context.ts'
import { SORTS, type SortKey } from './model.ts'

export function KeysToolbar({ keys, shown }: { keys: KeyView[]; shown: number }) {
  const sort = useKeys((s) => s.sort)
  const filter = useKeys((s) => s.filter)
  const setSort = useKeys((s) => s.setSort)
  const setFilter = useKeys((s) => s.setFilter)
  return (
    <div className="keys-toolbar">
      <div className="filter-field">
        <label htmlFor="keys-filter">Filter</label>
        <input
          id="keys-filter"
          type="search"
          autoComplete="off"
          spellCheck={false}
          placeholder="Name, app, console, user or status"
          value={filter}
          aria-describedby="keys-count"
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      <div className="sort-field">
        <label htmlFor="keys-sort">Sort by</label>
        <select id="keys-sort" value={sort.by} onChange={(e) => setSort(e.target.value as SortKey)}>
          {SORTS.map((s) => (
            <option key={s.key} value={s.key}>
              {s.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button small secondary sort-direction"
          aria-label={`Order: ${sort.dir}. Reverse it`}
          onClick={() => setSort(sort.by)}
        >
          <span aria-hidden="true">{sort.dir === 'ascending' ? '▲' : '▼'}</span>
        </button>
      </div>
      <p id="keys-count" className="keys-count muted" role="status">
        {shown === keys.length
          ? `${keys.length} key${keys.length === 1 ? '' : 's'}`
          : `${shown} of ${keys.length} keys`}
      </p>
    </div>
  )
}
