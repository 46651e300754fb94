'use strict'
// Haraka's p0f client (haraka-plugin-p0f's P0FClient) under the same load as `java -jar
// james-p0f.jar bench --async`: IN_FLIGHT callback chains, each answer starting its chain's next
// query, until LOOKUPS are done after WARMUP. Prints `lookups/s: X` as the Java bench does.
//
//   node bench/haraka-bench.js SOCKET ADDRESS LOOKUPS WARMUP IN_FLIGHT
// Run by bench/client-vs-haraka, which installs haraka-plugin-p0f (NODE_PATH points at it).

const { P0FClient } = require('haraka-plugin-p0f')

const [socket, address, lookups, warmup, inFlight] = process.argv.slice(2)
const total = Number(lookups)
const warm = Number(warmup)
const chains = Number(inFlight)
if (!socket || !address || !(total > 0) || !(warm >= 0) || !(chains > 0)) {
  console.error('usage: node haraka-bench.js SOCKET ADDRESS LOOKUPS WARMUP IN_FLIGHT')
  process.exit(2)
}

const client = new P0FClient(socket)

function run(count) {
  return new Promise((resolve, reject) => {
    let started = 0
    let done = 0
    const next = () => {
      if (started >= count) return
      started++
      client.query(address, (err) => {
        if (err) return reject(err)
        done++
        if (done === count) resolve()
        else next()
      })
    }
    for (let i = 0; i < Math.min(chains, count); i++) next()
  })
}

async function main() {
  if (warm > 0) await run(warm)
  const start = process.hrtime.bigint()
  await run(total)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  console.log(`lookups/s: ${(total / seconds).toFixed(0)}`)
  client.shutdown()
  process.exit(0)
}

main().catch((err) => {
  console.error(`haraka-bench: ${err.message}`)
  process.exit(3)
})
