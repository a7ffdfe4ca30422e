/* Reset leaves nothing behind: a bare-metal program arms state in every
 * device, asks for a system reset through the test finisher (what SBI's
 * system reset does), and on the second boot checks that every device is
 * back at its power-on state. RAM survives a reset, so a marker in RAM
 * outside the program's image tells the two boots apart.
 *
 * Armed on the first boot: an RTC alarm with its interrupt enabled, a
 * byte in the UART's receive FIFO (loopback) with its interrupt enabled,
 * an edu interrupt (raised by the driver's write to irq_raise), so PLIC
 * sources 10 and 33 pending with priorities, enables and a threshold set,
 * a CLINT software interrupt and an expired timer, and a claimed
 * hypercall channel.
 *
 * Exit status: 0 all clean; otherwise the number of the first check that
 * failed (1..49 first boot, 50.. second boot); 101 a trap (start.S). */
#include <stdint.h>

#include "glass-hc.h"

#define MARKER_ADDR 0x80800000ul   /* RAM, far past the image */
#define MARKER 0x5245534554ull     /* "RESET" */

#define TEST_BASE 0x00100000ul
#define RTC_BASE 0x00101000ul
#define CLINT_BASE 0x02000000ul
#define PLIC_BASE 0x0c000000ul
#define UART_BASE 0x10000000ul
#define ECAM_EDU 0x30008000ul      /* bus 0, device 1 */
#define EDU_BAR 0x40000000ul
#define HC ((glass_hc_base)GLASS_HC_PLATFORM_BASE)

#define UART_SRC 10
#define EDU_SRC 33                 /* INTA of slot 1, swizzled */

static inline uint32_t rd32(unsigned long a)
{
	return *(volatile uint32_t *)a;
}

static inline void wr32(unsigned long a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline uint64_t rd64(unsigned long a)
{
	return *(volatile uint64_t *)a;
}

static inline void wr64(unsigned long a, uint64_t v)
{
	*(volatile uint64_t *)a = v;
}

static inline uint8_t rd8(unsigned long a)
{
	return *(volatile uint8_t *)a;
}

static inline void wr8(unsigned long a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}

static inline void wr16(unsigned long a, uint16_t v)
{
	*(volatile uint16_t *)a = v;
}

static uint64_t read_mip(void)
{
	uint64_t v;

	__asm__ volatile("csrr %0, mip" : "=r"(v));
	return v;
}

static void check(int ok, unsigned code)
{
	if (!ok)
		glass_hc_finish(HC, code);
}

static uint32_t plic_pending(unsigned src)
{
	return (rd32(PLIC_BASE + 0x1000 + 4 * (src / 32)) >> (src % 32)) & 1;
}

/* edu behind BAR0 at EDU_BAR, memory decoding on */
static void edu_map(void)
{
	wr32(ECAM_EDU + 0x10, EDU_BAR);
	wr16(ECAM_EDU + 0x04, 0x2);
}

static void arm(void)
{
	/* CLINT: a software interrupt and a timer that has expired */
	wr32(CLINT_BASE, 1);
	wr64(CLINT_BASE + 0x4000, 0);
	/* RTC: an alarm a minute from now, interrupt enabled */
	uint64_t now = rd32(RTC_BASE);
	now |= (uint64_t)rd32(RTC_BASE + 4) << 32;
	uint64_t when = now + 60000000000ull;
	wr32(RTC_BASE + 0x0c, (uint32_t)(when >> 32));
	wr32(RTC_BASE + 0x08, (uint32_t)when);
	wr32(RTC_BASE + 0x10, 1);
	check(rd32(RTC_BASE + 0x18) == 1, 1);
	/* UART: FIFOs on, loopback, a byte received, its interrupt on */
	wr8(UART_BASE + 2, 0x01);
	wr8(UART_BASE + 4, 0x10);
	wr8(UART_BASE + 0, 'x');
	wr8(UART_BASE + 1, 0x01);
	check(rd8(UART_BASE + 5) & 0x01, 2);
	/* edu: an interrupt the driver raised */
	edu_map();
	wr32(EDU_BAR + 0x60, 0x1);
	check(rd32(EDU_BAR + 0x24) == 1, 3);
	/* PLIC: both sources pending, programmed for context 0 */
	wr32(PLIC_BASE + 4 * UART_SRC, 1);
	wr32(PLIC_BASE + 4 * EDU_SRC, 2);
	wr32(PLIC_BASE + 0x2000, 1u << UART_SRC);
	wr32(PLIC_BASE + 0x2004, 1u << (EDU_SRC - 32));
	wr32(PLIC_BASE + 0x200000, 3);
	check(plic_pending(UART_SRC) && plic_pending(EDU_SRC), 4);
	check(read_mip() & (1 << 3), 5);   /* MSIP */
	check(read_mip() & (1 << 7), 6);   /* MTIP */
	/* hypercall: channel 1 claimed */
	check(glass_hc_claim_page(glass_hc_channel(HC, 1)), 7);
}

static void check_clean(void)
{
	check(rd32(CLINT_BASE) == 0, 50);
	check(rd64(CLINT_BASE + 0x4000) == ~0ull, 51);
	check(!(read_mip() & ((1 << 3) | (1 << 7) | (1 << 11) | (1 << 9))), 52);
	check(rd32(RTC_BASE + 0x18) == 0, 53);      /* ALARM_STATUS */
	check(rd32(RTC_BASE + 0x10) == 0, 54);      /* IRQ_ENABLED */
	check(rd8(UART_BASE + 1) == 0, 55);         /* IER */
	check(rd8(UART_BASE + 4) == 0, 56);         /* MCR */
	check((rd8(UART_BASE + 5) & 0x01) == 0, 57); /* LSR: no data */
	check(rd8(UART_BASE + 2) == 0x01, 58);      /* IIR: nothing, no FIFO */
	for (unsigned w = 0; w < 3; w++)
		check(rd32(PLIC_BASE + 0x1000 + 4 * w) == 0, 59);
	check(rd32(PLIC_BASE + 4 * UART_SRC) == 0, 60);
	check(rd32(PLIC_BASE + 0x2000) == 0, 61);
	check(rd32(PLIC_BASE + 0x200000) == 0, 62);
	check(rd32(ECAM_EDU + 0x04) == 0 || rd32(ECAM_EDU + 0x04) == 0x100000, 63);
	check(rd32(ECAM_EDU + 0x10) == 0, 64);      /* BAR0 unassigned */
	edu_map();
	check(rd32(EDU_BAR + 0x24) == 0, 65);       /* irq_status */
	check(rd32(EDU_BAR + 0x04) == 0, 66);       /* liveness: power-on */
	check(!plic_pending(EDU_SRC), 67);
	check(glass_hc_claim_page(glass_hc_channel(HC, 1)), 68); /* free */
}

int main(void)
{
	volatile uint64_t *marker = (volatile uint64_t *)MARKER_ADDR;

	if (*marker != MARKER) {
		*marker = MARKER;
		arm();
		wr32(TEST_BASE, 0x7777);   /* system reset */
		for (;;)
			__asm__ volatile("wfi");
	}
	*marker = 0;
	check_clean();
	glass_hc_finish(HC, 0);
	return 0;
}
