import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// unit: pure code and fake cgroup v2 trees. renderer: components and store in jsdom.
// integration (*.int.test.ts): the real cgroup v1 hierarchy of this host and real QEMU, each file in its own partition.
// contention: the contention model against the CPU the kernel gives real spin guests, alone after everything else.
export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['{shared,electron,testing,bench,scripts}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          sequence: { groupOrder: 1 },
          include: ['renderer/**/*.test.{ts,tsx}'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          environment: 'jsdom',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // After the quick suites, with its own worker limit (vitest needs a distinct group for that).
          sequence: { groupOrder: 2 },
          include: ['{electron,testing,bench}/**/*.int.test.ts'],
          environment: 'node',
          pool: 'forks',
          // Two cores: QEMU under TCG is CPU-bound, so at most two files at a time.
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'contention',
          // The contention model against the kernel measures CPU time: it runs last and alone, nothing else on the CPUs.
          sequence: { groupOrder: 3 },
          include: ['renderer/model/contention.int.test.ts'],
          environment: 'node',
          pool: 'forks',
          maxWorkers: 1,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
