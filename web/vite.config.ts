import { defineConfig } from 'vite';

// `vite build web` (npm run build:web) makes web/ the root; the example app serves dist/web at `/`.
export default defineConfig({
  // Vite 8 compiles TSX itself (oxc): no React plugin needed, only the automatic JSX runtime.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // CopilotKit's chat (markdown, code highlighting, diagrams) is one large entry chunk plus lazy ones.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // React libraries mark their modules "use client", which means nothing outside a server-components build.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
