import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineDouble } from '../../testing/page-double';
import { guest } from '../../testing/fixtures';
import { renderWithEngine } from '../../testing/render-app';
import { App } from '../shell/App';

afterEach(cleanup);

const tool = (name: string) => screen.getByRole('button', { name });

describe('modal dialogs', () => {
  it('make the page behind them inert, start on the safe answer, close on Escape and give the focus back', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([guest('web', 'running')]), { asPage: true });
    const root = document.getElementById('root')!;
    const button = tool('Force off');
    button.focus();
    fireEvent.click(button);
    const dialog = screen.getByRole('alertdialog', { name: 'Force off “web”?' });
    expect(root.hasAttribute('inert')).toBe(true);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(root.hasAttribute('inert')).toBe(false);
    expect(document.activeElement).toBe(button);
    root.remove();
  });

  it('after a failed create the dialog still closes on Escape, and Tab leads back into it when the focus fell out', async () => {
    const engine = new EngineDouble([]);
    await renderWithEngine(<App kind="web" />, engine, { asPage: true });
    fireEvent.click(screen.getAllByRole('button', { name: /New/ })[0]!);
    const dialog = screen.getByRole('dialog', { name: 'New guest' });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), { target: { value: 'x' } });
    fireEvent.click(within(dialog).getByRole('radio', { name: 'No disk' }));
    engine.failNext('vm:create', 'OPERATION_FAILED', 'the disk is full');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create and start' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('the disk is full');
    // The Create button was disabled while it worked: the focus fell to the page.
    document.body.focus();
    fireEvent.keyDown(document.body, { key: 'Tab' });
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    document.getElementById('root')!.remove();
  });
});
