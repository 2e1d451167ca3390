"""Socket.IO: the handlers that translate the outside world, and the broadcaster that tells screens."""
