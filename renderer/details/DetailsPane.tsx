// The selected guest's details: a header and tabs (WAI-ARIA tabs: arrows move between them, Tab enters the panel).
import { lazy, Suspense, useId, useRef, type KeyboardEvent } from 'react';
import { useApp, useAppStore } from '../store/context';
import { DETAILS_TABS, type DetailsTab } from '../store/slices/selection';
import { StateBadge } from '../ui/StateBadge';
import { DevicesTab } from './devices/DevicesTab';
import { LogTab } from './log/LogTab';
import { SettingsTab } from './settings/SettingsTab';
import { OverviewTab } from './overview/OverviewTab';
import { PriorityTab } from './priority/PriorityTab';

// The charting library is loaded when the graphs are first shown, not with the window; so are noVNC and xterm.js.
const PerformanceTab = lazy(() => import('./performance/PerformanceTab').then((m) => ({ default: m.PerformanceTab })));
const ConsoleTab = lazy(() => import('./console/ConsoleTab').then((m) => ({ default: m.ConsoleTab })));
const SerialTab = lazy(() => import('./serial/SerialTab').then((m) => ({ default: m.SerialTab })));

const TAB_LABEL: Record<DetailsTab, string> = {
  overview: 'Overview',
  priority: 'CPU priority',
  devices: 'Devices',
  performance: 'Performance',
  console: 'Console',
  serial: 'Serial',
  log: 'Log',
  settings: 'Settings',
};

export function DetailsPane() {
  const name = useApp((s) => s.selected);
  const vm = useApp((s) => (s.selected ? s.vms[s.selected] : undefined));
  const tab = useApp((s) => s.tab);
  const store = useAppStore();
  const base = useId();
  const tabRefs = useRef<Partial<Record<DetailsTab, HTMLButtonElement | null>>>({});

  if (!name || !vm) {
    return (
      <section className="details details--empty" aria-label="Guest details">
        <p className="hint">Select a guest to see its details.</p>
      </section>
    );
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = DETAILS_TABS.indexOf(tab);
    const to =
      e.key === 'ArrowRight'
        ? (i + 1) % DETAILS_TABS.length
        : e.key === 'ArrowLeft'
          ? (i + DETAILS_TABS.length - 1) % DETAILS_TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? DETAILS_TABS.length - 1
              : -1;
    if (to < 0) return;
    e.preventDefault();
    const next = DETAILS_TABS[to]!;
    store.getState().setTab(next);
    tabRefs.current[next]?.focus();
  };

  const panelId = `${base}-panel`;
  const tabId = (t: DetailsTab) => `${base}-tab-${t}`;
  return (
    <section className="details" aria-label={`Details of ${name}`}>
      <div className="details__head">
        <h2 className="details__name" title={name}>
          {name}
        </h2>
        <StateBadge state={vm.state} />
      </div>
      <div className="tabs" role="tablist" aria-label="Guest details" onKeyDown={onKeyDown}>
        {DETAILS_TABS.map((t) => (
          <button
            key={t}
            ref={(el) => {
              tabRefs.current[t] = el;
            }}
            id={tabId(t)}
            type="button"
            role="tab"
            className="tab"
            aria-selected={tab === t}
            aria-controls={panelId}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => store.getState().setTab(t)}
          >
            {TAB_LABEL[t]}
          </button>
        ))}
      </div>
      <div id={panelId} className="tab-panel" role="tabpanel" aria-labelledby={tabId(tab)}>
        {tab === 'overview' && <OverviewTab key={name} name={name} />}
        {tab === 'priority' && <PriorityTab key={name} name={name} />}
        {tab === 'devices' && <DevicesTab key={name} name={name} />}
        {tab === 'performance' && (
          <Suspense fallback={<p className="hint tab-body">Loading graphs…</p>}>
            <PerformanceTab key={name} name={name} />
          </Suspense>
        )}
        {tab === 'console' && (
          <Suspense fallback={<p className="hint tab-body">Loading the screen…</p>}>
            <ConsoleTab key={name} name={name} />
          </Suspense>
        )}
        {tab === 'serial' && (
          <Suspense fallback={<p className="hint tab-body">Loading the terminal…</p>}>
            <SerialTab key={name} name={name} />
          </Suspense>
        )}
        {tab === 'log' && <LogTab key={name} name={name} />}
        {tab === 'settings' && <SettingsTab key={name} name={name} />}
      </div>
    </section>
  );
}
