// SPDX-License-Identifier: GPL-2.0
/*
 * glass_edu: a textbook PCI driver for QEMU's "edu" teaching device
 * (1234:11e8, QEMU docs/specs/edu.rst), used as the guest-side proof that
 * an emulator's edu model, PCI host bridge, INTx routing and DMA all work.
 *
 * probe() claims the device the usual way (enable, request regions, map
 * BAR0, 32-bit DMA mask, bus mastering, a shared INTx handler) and then
 * runs a self-test, printing one line per check ending in PASS or FAIL and
 * finally "glass_edu: selftest PASS" (or FAIL). The guest test script
 * (/tests/edu.sh) looks for that last line in dmesg.
 *
 * Everything waits the way a driver for real hardware must: QEMU computes
 * the factorial in a thread and runs DMA from a 100 ms timer, so we poll
 * the status/command registers and wait for the interrupt with a timeout.
 * An emulator that completes synchronously passes the same code.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sizes.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8

#define EDU_IDENT 0x00
#define EDU_LIVENESS 0x04
#define EDU_FACT 0x08
#define EDU_STATUS 0x20
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98

#define EDU_IDENT_VALUE 0x010000ed
#define EDU_STATUS_COMPUTING 0x01
#define EDU_STATUS_IRQFACT 0x80
#define EDU_IRQ_FACT 0x001
#define EDU_IRQ_DMA 0x100
#define EDU_DMA_START 0x1
#define EDU_DMA_TO_RAM 0x2
#define EDU_DMA_IRQ 0x4
#define EDU_BUF_ADDR 0x40000
#define EDU_BUF_SIZE 4096
/*
 * Bytes per test transfer: not the whole 4 KiB buffer, because QEMU up to
 * 7.2 at least rejects a transfer ending exactly at the end of the buffer
 * (an off-by-one in its range check) and aborts the whole emulator.
 */
#define EDU_DMA_LEN 2048

/* Generous: QEMU's DMA timer alone is 100 ms of virtual time. */
#define EDU_TIMEOUT_MS 2000
/* A value for the raise test that no device event would produce. */
#define EDU_TEST_IRQ 0x12340000

struct glass_edu {
	struct pci_dev *pdev;
	void __iomem *bar;
	struct completion irq_done;
	u32 irq_value;           /* irq_status as the handler found it */
	void *buf;               /* DMA test buffer, coherent */
	dma_addr_t buf_dma;
	bool irq_requested;
};

static u32 edu_read(struct glass_edu *edu, unsigned int reg)
{
	return ioread32(edu->bar + reg);
}

static void edu_write(struct glass_edu *edu, unsigned int reg, u32 val)
{
	iowrite32(val, edu->bar + reg);
}

/* The DMA registers are 64 bits wide; edu takes 8-byte accesses there. */
static void edu_write64(struct glass_edu *edu, unsigned int reg, u64 val)
{
	writeq(val, edu->bar + reg);
}

static irqreturn_t glass_edu_irq(int irq, void *data)
{
	struct glass_edu *edu = data;
	u32 status = edu_read(edu, EDU_IRQ_STATUS);

	if (!status)
		return IRQ_NONE; /* the line is shared: someone else's */
	/* Ack first: the level stays up until every bit is cleared. */
	edu_write(edu, EDU_IRQ_ACK, status);
	WRITE_ONCE(edu->irq_value, status);
	complete(&edu->irq_done);
	return IRQ_HANDLED;
}

/* Wait for the handler; returns the irq_status it saw, or 0 on timeout. */
static u32 edu_wait_irq(struct glass_edu *edu)
{
	if (!wait_for_completion_timeout(&edu->irq_done,
					 msecs_to_jiffies(EDU_TIMEOUT_MS)))
		return 0;
	return READ_ONCE(edu->irq_value);
}

static void edu_arm_irq(struct glass_edu *edu)
{
	WRITE_ONCE(edu->irq_value, 0);
	reinit_completion(&edu->irq_done);
}

/* Poll until (reg & mask) == 0; false on timeout. */
static bool edu_poll_clear(struct glass_edu *edu, unsigned int reg, u32 mask)
{
	unsigned long end = jiffies + msecs_to_jiffies(EDU_TIMEOUT_MS);

	while (edu_read(edu, reg) & mask) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(100, 200);
	}
	return true;
}

static const char *verdict(bool ok)
{
	return ok ? "PASS" : "FAIL";
}

static bool test_ident(struct glass_edu *edu)
{
	u32 v = edu_read(edu, EDU_IDENT);
	bool ok = v == EDU_IDENT_VALUE;

	pr_info("ident 0x%08x %s\n", v, verdict(ok));
	return ok;
}

static bool test_liveness(struct glass_edu *edu)
{
	static const u32 vals[] = { 0x12345678, 0, 0xffffffff, 0xa5a5a5a5 };
	bool ok = true;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		u32 got;

		edu_write(edu, EDU_LIVENESS, vals[i]);
		got = edu_read(edu, EDU_LIVENESS);
		if (got != ~vals[i]) {
			pr_info("liveness wrote 0x%08x read 0x%08x (want 0x%08x)\n",
				vals[i], got, ~vals[i]);
			ok = false;
		}
	}
	pr_info("liveness inversion %s\n", verdict(ok));
	return ok;
}

static bool test_factorial(struct glass_edu *edu)
{
	bool done;
	u32 v;

	edu_write(edu, EDU_FACT, 10);
	done = edu_poll_clear(edu, EDU_STATUS, EDU_STATUS_COMPUTING);
	v = edu_read(edu, EDU_FACT);
	pr_info("factorial 10! = %u%s %s\n", v, done ? "" : " (timeout)",
		verdict(done && v == 3628800));
	return done && v == 3628800;
}

static bool test_irq_raise(struct glass_edu *edu)
{
	u32 got, left;
	bool ok;

	edu_arm_irq(edu);
	edu_write(edu, EDU_IRQ_RAISE, EDU_TEST_IRQ);
	got = edu_wait_irq(edu);
	left = edu_read(edu, EDU_IRQ_STATUS);
	ok = got == EDU_TEST_IRQ && left == 0;
	pr_info("irq raise 0x%08x: handler saw 0x%08x, status after ack 0x%x %s\n",
		EDU_TEST_IRQ, got, left, verdict(ok));
	return ok;
}

static bool test_factorial_irq(struct glass_edu *edu)
{
	u32 got, v;
	bool ok;

	edu_write(edu, EDU_STATUS, EDU_STATUS_IRQFACT);
	edu_arm_irq(edu);
	edu_write(edu, EDU_FACT, 12);
	got = edu_wait_irq(edu);
	v = edu_read(edu, EDU_FACT);
	edu_write(edu, EDU_STATUS, 0);
	ok = got == EDU_IRQ_FACT && v == 479001600;
	pr_info("factorial 12! = %u with irq 0x%x %s\n", v, got, verdict(ok));
	return ok;
}

/* One transfer; true if the command finished and interrupted with 0x100. */
static bool edu_dma(struct glass_edu *edu, u64 src, u64 dst, u32 cmd)
{
	u32 got;
	bool done;

	edu_write64(edu, EDU_DMA_SRC, src);
	edu_write64(edu, EDU_DMA_DST, dst);
	edu_write64(edu, EDU_DMA_COUNT, EDU_DMA_LEN);
	edu_arm_irq(edu);
	/* iowrite32 orders the buffer writes above before the doorbell */
	edu_write(edu, EDU_DMA_CMD, cmd | EDU_DMA_START | EDU_DMA_IRQ);
	got = edu_wait_irq(edu);
	done = edu_poll_clear(edu, EDU_DMA_CMD, EDU_DMA_START);
	if (got != EDU_IRQ_DMA || !done)
		pr_info("dma cmd 0x%x: irq 0x%x, %s\n", cmd, got,
			done ? "finished" : "still running");
	return got == EDU_IRQ_DMA && done;
}

static u8 pattern(size_t i)
{
	return (u8)(i * 31 + (i >> 8) + 0x5a);
}

static bool test_dma(struct glass_edu *edu)
{
	u8 *p = edu->buf;
	size_t i, bad = 0;
	bool ok;

	for (i = 0; i < EDU_BUF_SIZE; i++)
		p[i] = pattern(i);
	ok = edu_dma(edu, edu->buf_dma, EDU_BUF_ADDR, 0);
	pr_info("dma RAM->edu %u bytes from %pad irq 0x100 %s\n", EDU_DMA_LEN,
		&edu->buf_dma, verdict(ok));
	if (!ok)
		return false;

	memset(p, 0, EDU_BUF_SIZE);
	ok = edu_dma(edu, EDU_BUF_ADDR, edu->buf_dma, EDU_DMA_TO_RAM);
	/* the pattern back in the first part, nothing written past it */
	for (i = 0; i < EDU_BUF_SIZE; i++)
		if (p[i] != (i < EDU_DMA_LEN ? pattern(i) : 0))
			bad++;
	pr_info("dma edu->RAM %u bytes irq 0x100 %s\n", EDU_DMA_LEN,
		verdict(ok));
	pr_info("dma round trip: %zu of %u bytes differ %s\n", bad,
		EDU_BUF_SIZE, verdict(ok && !bad));
	if (bad && upper_32_bits(edu->buf_dma) == 0 && edu->buf_dma >= SZ_256M)
		pr_info("hint: edu's default dma_mask is 28 bits; start it with dma_mask=0xffffffff\n");
	return ok && !bad;
}

static void glass_edu_selftest(struct glass_edu *edu)
{
	bool ok = true;

	ok &= test_ident(edu);
	ok &= test_liveness(edu);
	ok &= test_factorial(edu);
	ok &= test_irq_raise(edu);
	ok &= test_factorial_irq(edu);
	ok &= test_dma(edu);
	pr_info("selftest %s\n", verdict(ok));
}

static void glass_edu_teardown(struct pci_dev *pdev, struct glass_edu *edu)
{
	if (edu->irq_requested)
		free_irq(pdev->irq, edu);
	if (edu->buf)
		dma_free_coherent(&pdev->dev, EDU_BUF_SIZE, edu->buf,
				  edu->buf_dma);
	if (edu->bar)
		pci_iounmap(pdev, edu->bar);
	kfree(edu);
}

static int glass_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct glass_edu *edu;
	int ret;

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	init_completion(&edu->irq_done);

	ret = pci_enable_device(pdev);
	if (ret)
		goto err_free;
	ret = pci_request_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto err_disable;
	edu->bar = pci_iomap(pdev, 0, 0);
	if (!edu->bar) {
		ret = -ENOMEM;
		goto err_release;
	}
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		goto err_release;
	pci_set_master(pdev);
	edu->buf = dma_alloc_coherent(&pdev->dev, EDU_BUF_SIZE, &edu->buf_dma,
				      GFP_KERNEL);
	if (!edu->buf) {
		ret = -ENOMEM;
		goto err_release;
	}
	/* Leave nothing pending from before us on a shared line. */
	edu_write(edu, EDU_STATUS, 0);
	edu_write(edu, EDU_IRQ_ACK, ~0u);
	ret = request_irq(pdev->irq, glass_edu_irq, IRQF_SHARED, KBUILD_MODNAME,
			  edu);
	if (ret)
		goto err_release;
	edu->irq_requested = true;
	pci_set_drvdata(pdev, edu);

	pr_info("%s: BAR0 %pR, irq %d\n", pci_name(pdev), &pdev->resource[0],
		pdev->irq);
	glass_edu_selftest(edu);
	return 0;

err_release:
	pci_clear_master(pdev);
	glass_edu_teardown(pdev, edu);
	edu = NULL;
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_free:
	kfree(edu);
	return ret;
}

static void glass_edu_remove(struct pci_dev *pdev)
{
	struct glass_edu *edu = pci_get_drvdata(pdev);

	/* quiet the device before its handler goes away */
	edu_write(edu, EDU_STATUS, 0);
	edu_write(edu, EDU_IRQ_ACK, ~0u);
	pci_clear_master(pdev);
	glass_edu_teardown(pdev, edu);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

static const struct pci_device_id glass_edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR, EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, glass_edu_ids);

static struct pci_driver glass_edu_driver = {
	.name = KBUILD_MODNAME,
	.id_table = glass_edu_ids,
	.probe = glass_edu_probe,
	.remove = glass_edu_remove,
};
module_pci_driver(glass_edu_driver);

MODULE_DESCRIPTION("Self-testing driver for QEMU's edu PCI device");
MODULE_LICENSE("GPL");
