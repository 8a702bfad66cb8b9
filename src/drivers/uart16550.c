// SPDX-License-Identifier: MIT
#include <string.h>

#include "uart16550.h"

enum {
	REG_DATA = 0, /* RBR/THR, DLL with DLAB */
	REG_IER = 1,  /* DLM with DLAB */
	REG_IIR = 2,  /* FCR on write */
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_FIFO 0xc0
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define LCR_DLAB 0x80
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MCR_LOOP 0x10
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

void uart_reset(struct uart16550 *u)
{
	void (*tx)(void *, uint8_t) = u->tx;
	void *arg = u->arg;

	memset(u, 0, sizeof(*u));
	u->tx = tx;
	u->arg = arg;
	u->dll = 12; /* 9600 baud from 1.8432 MHz */
}

bool uart_receive(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count == UART_FIFO_SIZE)
		return false;
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
	u->rx_count++;
	return true;
}

size_t uart_rx_room(const struct uart16550 *u)
{
	return UART_FIFO_SIZE - u->rx_count;
}

static uint8_t uart_iir(const struct uart16550 *u)
{
	uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	if ((u->ier & IER_RDI) && u->rx_count)
		return fifo | IIR_RDI;
	if ((u->ier & IER_THRI) && u->thre_pending)
		return fifo | IIR_THRI;
	return fifo | IIR_NONE;
}

bool uart_irq(const struct uart16550 *u)
{
	return !(uart_iir(u) & IIR_NONE);
}

static uint8_t uart_pop(struct uart16550 *u)
{
	uint8_t b;

	if (!u->rx_count)
		return 0;
	b = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
	u->rx_count--;
	return b;
}

static uint8_t uart_msr(const struct uart16550 *u)
{
	if (!(u->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	/* Loopback wires DTR→DSR, RTS→CTS, OUT1→RI, OUT2→DCD. */
	return (uint8_t)(((u->mcr & 0x01) ? MSR_DSR : 0) |
			 ((u->mcr & 0x02) ? MSR_CTS : 0) |
			 ((u->mcr & 0x04) ? MSR_RI : 0) |
			 ((u->mcr & 0x08) ? MSR_DCD : 0));
}

uint8_t uart_read(struct uart16550 *u, unsigned reg)
{
	uint8_t iir;

	switch (reg) {
	case REG_DATA:
		return (u->lcr & LCR_DLAB) ? u->dll : uart_pop(u);
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR:
		iir = uart_iir(u);
		/* Reading an IIR that reports THR empty acknowledges it. */
		if ((iir & 0x0f) == IIR_THRI)
			u->thre_pending = false;
		return iir;
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return (uint8_t)(LSR_THRE | LSR_TEMT |
				 (u->rx_count ? LSR_DR : 0));
	case REG_MSR:
		return uart_msr(u);
	default:
		return u->scr;
	}
}

static void uart_transmit(struct uart16550 *u, uint8_t val)
{
	if (u->mcr & MCR_LOOP)
		uart_receive(u, val);
	else if (u->tx)
		u->tx(u->arg, val);
	/* The byte left at once: the holding register is empty again. */
	u->thre_pending = true;
}

void uart_write(struct uart16550 *u, unsigned reg, uint8_t val)
{
	switch (reg) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB)
			u->dll = val;
		else
			uart_transmit(u, val);
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = val;
			break;
		}
		/* Enabling the THR interrupt while the THR is empty raises
		 * it, as the 8250 driver's THRE test expects. */
		if ((val & IER_THRI) && !(u->ier & IER_THRI))
			u->thre_pending = true;
		u->ier = val & 0x0f;
		break;
	case REG_IIR:
		u->fcr = val & 0xc9;
		if (val & FCR_CLEAR_RX)
			u->rx_head = u->rx_count = 0;
		break;
	case REG_LCR:
		u->lcr = val;
		break;
	case REG_MCR:
		u->mcr = val & 0x1f;
		break;
	case REG_LSR:
	case REG_MSR:
		break; /* read-only */
	default:
		u->scr = val;
		break;
	}
}
