// The tray controller with Electron replaced by recording fakes (vi.mock; the
// real module needs the Electron binary): it draws the core's model, skips
// identical models and throttles bursts to one render per 200 ms.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { TrayModel } from '../../shared/tray.ts'

const calls: string[] = []
vi.mock('electron', () => ({
  Menu: { buildFromTemplate: (template: unknown[]) => ({ template }) },
  nativeImage: { createFromPath: (path: string) => ({ path, setTemplateImage: () => {} }) },
  Tray: class {},
}))

const { TrayController, iconPath, menuTemplate } = await import('../../electron/shell/tray.ts')

const fakeTray = () => {
  const tray = {
    menus: [] as { template: { label?: string; click?: () => void; enabled?: boolean }[] }[],
    setImage: (image: { path: string }) => calls.push(`image ${image.path.split('/').pop()}`),
    setToolTip: (text: string) => calls.push(`tooltip ${text}`),
    setContextMenu: (menu: { template: { label?: string }[] }) => {
      tray.menus.push(menu as never)
      calls.push(`menu ${menu.template.length}`)
    },
    on: () => {},
    destroy: () => {},
  }
  return tray
}

const model = (icon: TrayModel['icon'], tooltip: string): TrayModel => ({
  icon,
  tooltip,
  menu: [
    { type: 'key', keyId: 'k', label: '✓ ha · NVR — OK', status: 'ok' },
    { type: 'separator' },
    { type: 'action', id: 'check-all', label: 'Check all now', enabled: true },
    { type: 'action', id: 'quit', label: 'Quit Keyward', enabled: true },
  ],
})

describe('TrayController', () => {
  const actions = { open: vi.fn(), openKeys: vi.fn(), newKey: vi.fn(), checkAll: vi.fn(), quit: vi.fn() }
  beforeEach(() => {
    calls.length = 0
    vi.useFakeTimers()
  })
  afterEach(() => vi.useRealTimers())

  it('always has a context menu, from the start (Linux may ignore clicks)', () => {
    const tray = fakeTray()
    new TrayController('/res', actions, () => tray as never)
    expect(tray.menus[0]!.template.map((i) => i.label)).toEqual(['Open Keyward', undefined, 'Quit Keyward'])
  })

  it('renders a model once, skips an identical one, and throttles bursts to the last model', () => {
    const tray = fakeTray()
    const controller = new TrayController('/res', actions, () => tray as never)
    calls.length = 0
    controller.update(model('ok', 'all OK'))
    expect(calls).toEqual(['image ok.png', 'tooltip all OK', 'menu 6'])
    controller.update(model('attention', 'one unknown'))
    controller.update(model('error', 'one failing'))
    expect(calls).toHaveLength(3) // throttled
    vi.advanceTimersByTime(200)
    expect(calls.slice(3)).toEqual(['image error.png', 'tooltip one failing', 'menu 6'])
    vi.advanceTimersByTime(1000)
    controller.update(model('error', 'one failing'))
    vi.advanceTimersByTime(1000)
    expect(calls).toHaveLength(6) // identical: nothing redrawn
  })

  it('wires menu items to actions', () => {
    const template = menuTemplate(model('ok', 'x'), actions)
    template.find((i) => i.label === 'Check all now')!.click!({} as never, undefined, {} as never)
    template.find((i) => i.label?.startsWith('✓ ha'))!.click!({} as never, undefined, {} as never)
    expect(actions.checkAll).toHaveBeenCalledOnce()
    expect(actions.openKeys).toHaveBeenCalledOnce()
  })

  it('ships every icon variant for every platform in resources/', () => {
    const resources = join(import.meta.dirname, '../../resources')
    for (const icon of ['ok', 'attention', 'error'] as const) {
      for (const platform of ['darwin', 'win32', 'linux'] as const) {
        const file = iconPath(resources, icon, platform)
        expect(existsSync(file), file).toBe(true)
        if (platform !== 'win32') expect(existsSync(file.replace('.png', '@2x.png')), file).toBe(true)
      }
    }
  })

  it('picks the platform’s icon format', () => {
    expect(iconPath('/r', 'error', 'darwin')).toBe('/r/tray/errorTemplate.png')
    expect(iconPath('/r', 'error', 'win32')).toBe('/r/tray/error.ico')
    expect(iconPath('/r', 'error', 'linux')).toBe('/r/tray/error.png')
  })
})
