/* SPDX-License-Identifier: MIT */
/*
 * A 16550A UART's eight registers, as Linux's 8250 driver uses them: a
 * 16-byte receive FIFO, a transmitter that is always ready (a written
 * byte leaves at once through the tx callback), RX-data and THR-empty
 * interrupts, DLAB divisor latches, scratch, and loopback (MCR bit 4).
 */
#ifndef MDEV_UART16550_H
#define MDEV_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_FIFO_SIZE 16

struct uart16550 {
	uint8_t rx[UART_FIFO_SIZE];
	unsigned rx_head, rx_count;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending; /* a THR-empty interrupt not yet seen in IIR */
	/* A byte the guest sent (not in loopback). */
	void (*tx)(void *arg, uint8_t byte);
	void *arg;
};

void uart_reset(struct uart16550 *u);
uint8_t uart_read(struct uart16550 *u, unsigned reg);
void uart_write(struct uart16550 *u, unsigned reg, uint8_t val);
/* Puts a received byte in the FIFO: false when it is full. */
bool uart_receive(struct uart16550 *u, uint8_t byte);
size_t uart_rx_room(const struct uart16550 *u);
/* True while the UART asks for an interrupt (IIR bit 0 clear). */
bool uart_irq(const struct uart16550 *u);

#endif
