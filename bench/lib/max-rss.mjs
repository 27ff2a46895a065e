// Preloaded into a CLI process by the memory benches (`node --import`): its peak RSS and CPU time on
// stderr at exit, which spawnSync cannot report for a child.
process.on('exit', () => {
  const c = process.cpuUsage();
  process.stderr.write(`\nBENCH_USAGE ${JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, cpuMs: (c.user + c.system) / 1000 })}\n`);
});
