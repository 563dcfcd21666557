// `npm run dev`: the API with restart on change (node --watch) on PORT (4000) and Vite with HMR on
// 5173, proxying /api to it. Links in mails point at the Vite server.
import { spawn } from 'node:child_process';

const port = process.env.PORT ?? '4000';
const children = [
  spawn(process.execPath, ['--watch-path=server', '--watch-path=db', 'server/main.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: port, PUBLIC_URL: process.env.PUBLIC_URL ?? 'http://localhost:5173' },
  }),
  spawn('npx', ['vite', '--port', '5173'], { stdio: 'inherit', env: { ...process.env, API_PROXY_TARGET: `http://localhost:${port}` } }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => {
  stop();
  process.exitCode = code ?? 0;
});
