// A second, independent MQTT 3.1.1 broker for interoperability tests.
// Usage: node aedes-broker.js PORT
// Binds 127.0.0.1 only and prints "listening PORT" once it accepts connections,
// which is what Tracking.Testing.AedesServer waits for.
import net from 'node:net'
import { Aedes } from 'aedes'

const port = Number.parseInt(process.argv[2] ?? '', 10)
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node aedes-broker.js PORT')
  process.exit(2)
}

const broker = await Aedes.createBroker()
const server = net.createServer(broker.handle)

broker.on('client', (client) => console.log(`client connected ${client.id}`))
broker.on('clientDisconnect', (client) => console.log(`client disconnected ${client.id}`))
broker.on('clientError', (client, err) => console.log(`client error ${client.id}: ${err.message}`))
broker.on('connectionError', (client, err) => console.log(`connection error: ${err.message}`))

server.on('error', (err) => {
  // EADDRINUSE and friends: exit non-zero so the launcher sees the failure at once.
  console.error(`server error: ${err.message}`)
  process.exit(1)
})

server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`))

function shutdown (signal) {
  console.log(`${signal} received, closing`)
  server.close()
  broker.close(() => process.exit(0))
  // Open client sockets can keep server.close() pending; do not hang the test run.
  setTimeout(() => process.exit(0), 2000).unref()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
