// SPDX-License-Identifier: GPL-2.0
/*
 * glass_crc32: Linux driver for the CRC-32 offload engine of glass's
 * device-plugin tutorial (examples/device/crc32.c, PCI 1234:cc32).
 *
 * The device has two BARs, and this driver uses both the portable way:
 * pci_iomap() maps BAR0 (memory) and BAR1 (I/O ports) alike, and
 * ioread32()/iowrite32() work on either; inl()/outl() reach BAR1 by port
 * number. A job is: point SRC at a DMA buffer, set LEN and SEED, write
 * CTRL.START, then wait for the interrupt (or, with poll=1, poll STATUS)
 * and read RESULT.
 *
 * User space gets /dev/crc32:
 *   - opening it for writing starts a new CRC;
 *   - every write() feeds bytes (in jobs of up to CRC_BUF_SIZE, each one
 *     continuing the CRC through SEED);
 *   - read() returns the CRC of everything written since, as "%08x\n".
 * So `cat FILE >/dev/crc32; cat /dev/crc32` prints FILE's CRC-32. One
 * CRC at a time per device: concurrent writers mix their bytes. A second
 * engine is /dev/crc32-1, and so on.
 *
 * probe() checks the device before registering it and prints
 * "glass_crc32 0000:00:01.0: selftest PASS" (or FAIL, and the device
 * stays unbound): the ID through MMIO, through
 * ioread32 on the mapped I/O BAR and through inl; a job with a bad length
 * must fail with ERROR 1; "123456789" must give 0xcbf43926.
 */
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/jiffies.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#define CRC_VENDOR 0x1234
#define CRC_DEVICE 0xcc32
#define CRC_ID 0x43524301

/* BAR0 */
#define CRC_REG_ID 0x00
#define CRC_REG_CTRL 0x04
#define CRC_REG_STATUS 0x08
#define CRC_REG_ERROR 0x0c
#define CRC_REG_SRC_LO 0x10
#define CRC_REG_SRC_HI 0x14
#define CRC_REG_LEN 0x18
#define CRC_REG_SEED 0x1c
#define CRC_REG_RESULT 0x20
#define CRC_REG_IRQ_STATUS 0x24
#define CRC_REG_IRQ_ACK 0x28

#define CTRL_START 0x1
#define CTRL_IRQ_EN 0x2
#define STATUS_BUSY 0x1
#define STATUS_DONE 0x2
#define STATUS_ERROR 0x4
#define ERR_LEN 1

/* BAR1, I/O */
#define CRC_IO_ID 0x0
#define CRC_IO_SCRATCH 0x4

/* The DMA buffer: user data is copied here, a job at a time. */
#define CRC_BUF_SIZE SZ_16K
/* Generous: a 16 KiB job takes about 70 us of virtual time by default. */
#define CRC_TIMEOUT_MS 1000

static bool poll;
module_param(poll, bool, 0644);
MODULE_PARM_DESC(poll, "poll STATUS instead of waiting for the interrupt");

/* Device numbers for the names: crc32, crc32-1, ... */
static DEFINE_IDA(glass_crc_ida);

struct glass_crc {
	struct pci_dev *pdev;
	void __iomem *regs;      /* BAR0, memory space */
	void __iomem *io;        /* BAR1, I/O space, mapped all the same */
	unsigned long io_port;   /* BAR1's first port, for inl/outl */
	struct miscdevice misc;
	int index;               /* from glass_crc_ida, or -1 */
	char name[16];           /* of the misc device */
	struct mutex lock;       /* one job at a time; protects crc */
	u32 crc;                 /* CRC of the bytes written so far */
	struct completion done;
	u32 irq_status;          /* what the handler acknowledged */
	u8 *buf;
	dma_addr_t buf_dma;
	bool irq_requested;
	bool misc_registered;
};

static u32 crc_read(struct glass_crc *c, unsigned int reg)
{
	return ioread32(c->regs + reg);
}

static void crc_write(struct glass_crc *c, unsigned int reg, u32 val)
{
	iowrite32(val, c->regs + reg);
}

static irqreturn_t glass_crc_irq(int irq, void *data)
{
	struct glass_crc *c = data;
	u32 status = crc_read(c, CRC_REG_IRQ_STATUS);

	if (!status)
		return IRQ_NONE; /* INTx is shared: not ours */
	/* the line stays up until every bit is acknowledged */
	crc_write(c, CRC_REG_IRQ_ACK, status);
	WRITE_ONCE(c->irq_status, status);
	complete(&c->done);
	return IRQ_HANDLED;
}

/*
 * One job over the first len bytes of the DMA buffer, continuing c->crc.
 * Returns 0 with the new CRC in *result, -EIO if the device reports an
 * error (its code in *result), -ETIMEDOUT if it never finishes.
 */
static int crc_job(struct glass_crc *c, size_t len, u32 *result)
{
	bool use_irq = !READ_ONCE(poll);
	u32 status;

	crc_write(c, CRC_REG_SRC_LO, lower_32_bits(c->buf_dma));
	crc_write(c, CRC_REG_SRC_HI, upper_32_bits(c->buf_dma));
	crc_write(c, CRC_REG_LEN, len);
	crc_write(c, CRC_REG_SEED, c->crc);
	WRITE_ONCE(c->irq_status, 0);
	reinit_completion(&c->done);
	/* iowrite32 orders the CPU's writes to the buffer before the start */
	crc_write(c, CRC_REG_CTRL, CTRL_START | (use_irq ? CTRL_IRQ_EN : 0));

	if (use_irq) {
		if (!wait_for_completion_timeout(&c->done,
						 msecs_to_jiffies(CRC_TIMEOUT_MS)))
			return -ETIMEDOUT;
		status = crc_read(c, CRC_REG_STATUS);
	} else if (readx_poll_timeout(ioread32, c->regs + CRC_REG_STATUS,
				      status, status & STATUS_DONE, 10,
				      CRC_TIMEOUT_MS * 1000)) {
		return -ETIMEDOUT;
	}
	if (status & STATUS_ERROR) {
		*result = crc_read(c, CRC_REG_ERROR);
		return -EIO;
	}
	*result = crc_read(c, CRC_REG_RESULT);
	return 0;
}

/* ---- /dev/crc32 ---- */

static struct glass_crc *file_crc(struct file *file)
{
	struct miscdevice *misc = file->private_data;

	return container_of(misc, struct glass_crc, misc);
}

static int glass_crc_open(struct inode *inode, struct file *file)
{
	struct glass_crc *c = file_crc(file);

	if (file->f_mode & FMODE_WRITE) {
		mutex_lock(&c->lock);
		c->crc = 0;
		mutex_unlock(&c->lock);
	}
	return 0;
}

static ssize_t glass_crc_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct glass_crc *c = file_crc(file);
	size_t done = 0;
	int ret = 0;

	if (mutex_lock_interruptible(&c->lock))
		return -ERESTARTSYS;
	while (done < count) {
		size_t n = min_t(size_t, count - done, CRC_BUF_SIZE);
		u32 result;

		if (copy_from_user(c->buf, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		ret = crc_job(c, n, &result);
		if (ret) {
			dev_err(&c->pdev->dev, "job of %zu bytes: %s (%d)\n", n,
				ret == -EIO ? "device error" : "no answer",
				ret == -EIO ? result : ret);
			break;
		}
		c->crc = result;
		done += n;
	}
	mutex_unlock(&c->lock);
	return done ? done : ret;
}

static ssize_t glass_crc_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct glass_crc *c = file_crc(file);
	char text[16];
	int len;

	mutex_lock(&c->lock);
	len = scnprintf(text, sizeof(text), "%08x\n", c->crc);
	mutex_unlock(&c->lock);
	return simple_read_from_buffer(ubuf, count, ppos, text, len);
}

static const struct file_operations glass_crc_fops = {
	.owner = THIS_MODULE,
	.open = glass_crc_open,
	.read = glass_crc_read,
	.write = glass_crc_write,
	.llseek = default_llseek,
};

/* ---- probe ---- */

static bool glass_crc_selftest(struct glass_crc *c)
{
	static const char check[] = "123456789";
	struct device *dev = &c->pdev->dev;
	u32 id_mem = crc_read(c, CRC_REG_ID);
	u32 id_io = ioread32(c->io + CRC_IO_ID);
	u32 id_port = inl(c->io_port + CRC_IO_ID);
	u32 scratch, result = 0;
	bool ok = true;
	int ret;

	dev_info(dev, "ID 0x%08x by MMIO, 0x%08x by ioread32 of the I/O BAR, 0x%08x by inl(0x%lx)\n",
		 id_mem, id_io, id_port, c->io_port);
	if (id_mem != CRC_ID || id_io != CRC_ID || id_port != CRC_ID) {
		dev_err(dev, "ID: want 0x%08x everywhere\n", CRC_ID);
		ok = false;
	}

	outl(0x5a5aa5a5, c->io_port + CRC_IO_SCRATCH);
	scratch = ioread32(c->io + CRC_IO_SCRATCH);
	if (scratch != 0x5a5aa5a5) {
		dev_err(dev, "scratch: outl 0x5a5aa5a5, ioread32 0x%08x\n", scratch);
		ok = false;
	}

	c->crc = 0;
	ret = crc_job(c, 0, &result);
	if (ret != -EIO || result != ERR_LEN) {
		dev_err(dev, "a job of 0 bytes: %d, ERROR %u (want -EIO, %u)\n",
			ret, result, ERR_LEN);
		ok = false;
	}

	memcpy(c->buf, check, sizeof(check) - 1);
	ret = crc_job(c, sizeof(check) - 1, &result);
	if (ret || result != 0xcbf43926) {
		dev_err(dev, "crc32(\"%s\"): %d, 0x%08x (want 0xcbf43926)\n",
			check, ret, result);
		ok = false;
	}
	dev_info(dev, "selftest %s\n", ok ? "PASS" : "FAIL");
	return ok;
}

static void glass_crc_teardown(struct pci_dev *pdev, struct glass_crc *c)
{
	if (c->misc_registered)
		misc_deregister(&c->misc);
	if (c->index >= 0)
		ida_free(&glass_crc_ida, c->index);
	if (c->regs) {
		/* quiet: no interrupt from us once the handler is gone */
		crc_write(c, CRC_REG_CTRL, 0);
		crc_write(c, CRC_REG_IRQ_ACK, ~0u);
	}
	if (c->irq_requested)
		free_irq(pdev->irq, c);
	pci_clear_master(pdev);
	if (c->buf)
		dma_free_coherent(&pdev->dev, CRC_BUF_SIZE, c->buf, c->buf_dma);
	if (c->io)
		pci_iounmap(pdev, c->io);
	if (c->regs)
		pci_iounmap(pdev, c->regs);
	kfree(c);
}

static int glass_crc_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct glass_crc *c;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->pdev = pdev;
	c->index = -1;
	mutex_init(&c->lock);
	init_completion(&c->done);

	ret = pci_enable_device(pdev);
	if (ret)
		goto err_free;
	ret = pci_request_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto err_disable;
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    !(pci_resource_flags(pdev, 1) & IORESOURCE_IO)) {
		dev_err(&pdev->dev, "want BAR0 memory and BAR1 I/O\n");
		ret = -ENODEV;
		goto err_teardown;
	}
	c->regs = pci_iomap(pdev, 0, 0);
	c->io = pci_iomap(pdev, 1, 0);
	c->io_port = pci_resource_start(pdev, 1);
	if (!c->regs || !c->io) {
		ret = -ENOMEM;
		goto err_teardown;
	}
	/* SRC is 64 bits wide: any address will do */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_teardown;
	pci_set_master(pdev);
	c->buf = dma_alloc_coherent(&pdev->dev, CRC_BUF_SIZE, &c->buf_dma,
				    GFP_KERNEL);
	if (!c->buf) {
		ret = -ENOMEM;
		goto err_teardown;
	}
	crc_write(c, CRC_REG_CTRL, 0);
	crc_write(c, CRC_REG_IRQ_ACK, ~0u);
	ret = request_irq(pdev->irq, glass_crc_irq, IRQF_SHARED, KBUILD_MODNAME,
			  c);
	if (ret)
		goto err_teardown;
	c->irq_requested = true;

	dev_info(&pdev->dev, "BAR0 %pR, BAR1 %pR, irq %d, buffer at bus %pad\n",
		 &pdev->resource[0], &pdev->resource[1], pdev->irq, &c->buf_dma);
	if (!glass_crc_selftest(c)) {
		ret = -EIO;
		goto err_teardown;
	}

	c->index = ida_alloc(&glass_crc_ida, GFP_KERNEL);
	if (c->index < 0) {
		ret = c->index;
		goto err_teardown;
	}
	if (c->index)
		snprintf(c->name, sizeof(c->name), "crc32-%d", c->index);
	else
		strscpy(c->name, "crc32", sizeof(c->name));
	c->misc.minor = MISC_DYNAMIC_MINOR;
	c->misc.name = c->name;
	c->misc.fops = &glass_crc_fops;
	c->misc.mode = 0666;
	c->misc.parent = &pdev->dev;
	ret = misc_register(&c->misc);
	if (ret)
		goto err_teardown;
	c->misc_registered = true;
	pci_set_drvdata(pdev, c);
	return 0;

err_teardown:
	glass_crc_teardown(pdev, c);
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return ret;
err_free:
	kfree(c);
	return ret;
}

static void glass_crc_remove(struct pci_dev *pdev)
{
	glass_crc_teardown(pdev, pci_get_drvdata(pdev));
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

static const struct pci_device_id glass_crc_ids[] = {
	{ PCI_DEVICE(CRC_VENDOR, CRC_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, glass_crc_ids);

static struct pci_driver glass_crc_driver = {
	.name = KBUILD_MODNAME,
	.id_table = glass_crc_ids,
	.probe = glass_crc_probe,
	.remove = glass_crc_remove,
};
module_pci_driver(glass_crc_driver);

MODULE_DESCRIPTION("Driver for glass's example CRC-32 engine (PCI 1234:cc32)");
MODULE_LICENSE("GPL");
