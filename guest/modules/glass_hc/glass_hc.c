// SPDX-License-Identifier: GPL-2.0
/*
 * glass_hc: Linux driver for the glass hypercall device's PCI function
 * (1234:676c, BAR0 = 64 KiB register window; glass's
 * shared/spec/hypercall.md), so that ordinary users can make hypercalls
 * without /dev/mem.
 *
 * /dev/glass-hc (mode 0666). Each open() claims a free channel for that
 * open file (EBUSY when all are taken); the last close releases it. On it:
 *   - mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) maps that
 *     channel's page, uncached, straight onto the BAR (io_remap_pfn_range),
 *     so a hypercall from user space is a few stores and no system call;
 *   - ioctl(GLASS_HC_IOC_CALL) runs one op through the channel for callers
 *     that do not map, with DATA in and out of the argument struct;
 *   - ioctl(GLASS_HC_IOC_INFO) reports page 0 (magic, version, features,
 *     channels, hart, time, instret) and the file's channel.
 * The structs are in glass-hc.h (GLASS_HC_WANT_IOCTL in user space).
 *
 * Security: an unprivileged user with the channel page can make any
 * operation, including EXIT and HOST_READ/HOST_WRITE within glass's --share
 * directory: that is the point of the device. What it must not get is a
 * way to write arbitrary guest physical memory, which DMA (ARG3 of
 * HOST_READ/HOST_WRITE) would be. The driver therefore never enables Bus
 * Master on the function: glass refuses every DMA of a PCI function with
 * Bus Master Enable clear, so DMA ops through this device fail with
 * -EFAULT and DATA is the only data path. (Root can still use DMA through
 * the platform instance or by setting Bus Master with setpci.) Page 0
 * (FINISH, PUTC) is not mapped to users.
 *
 * Only one such PCI function is driven (a second one probes with -EBUSY).
 * The module cannot be unloaded while /dev/glass-hc is open; hot-removing
 * the function (sysfs "remove") while it is open is not supported.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "glass-hc.h"

struct glass_hc {
	struct pci_dev *pdev;
	void __iomem *base;
	resource_size_t phys;     /* CPU physical address of BAR0 */
	unsigned int nchannels;
	struct miscdevice misc;
};

/* one per open file: its channel */
struct glass_hc_file {
	struct glass_hc *hc;
	unsigned int channel;
	void __iomem *page;
	struct mutex lock;        /* one ioctl at a time on the channel */
};

static DEFINE_MUTEX(glass_hc_lock);
static struct glass_hc *glass_hc_dev; /* the function we drive */

static int glass_hc_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct glass_hc *hc = container_of(misc, struct glass_hc, misc);
	struct glass_hc_file *f;
	unsigned int n;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	n = glass_hc_claim(hc->base);
	if (!n) {
		kfree(f);
		return -EBUSY;
	}
	f->hc = hc;
	f->channel = n;
	f->page = glass_hc_channel(hc->base, n);
	mutex_init(&f->lock);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int glass_hc_release_file(struct inode *inode, struct file *file)
{
	struct glass_hc_file *f = file->private_data;

	glass_hc_release(f->page);
	kfree(f);
	return 0;
}

static int glass_hc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct glass_hc_file *f = file->private_data;
	resource_size_t addr;

	/* a page larger than a channel would expose the neighbours */
	if (PAGE_SIZE != GLASS_HC_PAGE_SIZE)
		return -ENODEV;
	if (vma->vm_pgoff != 0 || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	addr = f->hc->phys + (resource_size_t)f->channel * GLASS_HC_PAGE_SIZE;
	vma->vm_flags |= VM_IO | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return io_remap_pfn_range(vma, vma->vm_start, addr >> PAGE_SHIFT,
				  PAGE_SIZE, vma->vm_page_prot);
}

static long glass_hc_ioc_call(struct glass_hc_file *f, void __user *argp)
{
	struct glass_hc_ioc_call *c;
	long rc = 0;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	if (copy_from_user(c, argp, sizeof(*c))) {
		rc = -EFAULT;
		goto out;
	}
	if (c->data_len > GLASS_HC_DATA_SIZE) {
		rc = -EINVAL;
		goto out;
	}
	mutex_lock(&f->lock);
	glass_hc_data_write(f->page, 0, c->data, (unsigned long)c->data_len);
	c->status = glass_hc_callv(f->page, c->op, c->args, c->ret);
	glass_hc_data_read(f->page, 0, c->data, GLASS_HC_DATA_SIZE);
	mutex_unlock(&f->lock);
	c->data_len = GLASS_HC_DATA_SIZE;
	if (copy_to_user(argp, c, sizeof(*c)))
		rc = -EFAULT;
out:
	kfree(c);
	return rc;
}

static long glass_hc_ioc_info(struct glass_hc_file *f, void __user *argp)
{
	void __iomem *b = f->hc->base;
	struct glass_hc_ioc_info info = {
		.magic = glass_hc_rd64(b, GLASS_HC_MAGIC),
		.version = glass_hc_rd64(b, GLASS_HC_VERSION),
		.features = glass_hc_rd64(b, GLASS_HC_FEATURES),
		.channels = glass_hc_rd64(b, GLASS_HC_CHANNELS),
		.channel = f->channel,
		.hartid = glass_hc_rd64(b, GLASS_HC_HARTID),
		.time_ns = glass_hc_rd64(b, GLASS_HC_TIME_NS),
		.instret = glass_hc_rd64(b, GLASS_HC_INSTRET),
		.bar_phys = f->hc->phys,
	};

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long glass_hc_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct glass_hc_file *f = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case GLASS_HC_IOC_CALL:
		return glass_hc_ioc_call(f, argp);
	case GLASS_HC_IOC_INFO:
		return glass_hc_ioc_info(f, argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations glass_hc_fops = {
	.owner = THIS_MODULE,
	.open = glass_hc_open,
	.release = glass_hc_release_file,
	.mmap = glass_hc_mmap,
	.unlocked_ioctl = glass_hc_ioctl,
	.compat_ioctl = compat_ptr_ioctl, /* same layout: all fields fixed */
	.llseek = no_llseek,
};

static int glass_hc_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct glass_hc *hc;
	int rc;

	hc = devm_kzalloc(&pdev->dev, sizeof(*hc), GFP_KERNEL);
	if (!hc)
		return -ENOMEM;
	hc->pdev = pdev;
	rc = pcim_enable_device(pdev);
	if (rc)
		return rc;
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 0) < GLASS_HC_WINDOW_SIZE) {
		dev_err(&pdev->dev, "BAR0 is not a 64 KiB memory BAR\n");
		return -ENODEV;
	}
	rc = pcim_iomap_regions(pdev, BIT(0), KBUILD_MODNAME);
	if (rc)
		return rc;
	hc->base = pcim_iomap_table(pdev)[0];
	hc->phys = pci_resource_start(pdev, 0);
	if (!glass_hc_present(hc->base)) {
		dev_err(&pdev->dev, "no glass hypercall v1 magic in BAR0\n");
		return -ENODEV;
	}
	hc->nchannels = glass_hc_nchannels(hc->base);
	/* No pci_set_master(): DMA stays off (see the top of this file). */

	mutex_lock(&glass_hc_lock);
	if (glass_hc_dev) {
		mutex_unlock(&glass_hc_lock);
		dev_warn(&pdev->dev, "another glass-hc is already driven\n");
		return -EBUSY;
	}
	hc->misc.minor = MISC_DYNAMIC_MINOR;
	hc->misc.name = "glass-hc";
	hc->misc.fops = &glass_hc_fops;
	hc->misc.mode = 0666;
	hc->misc.parent = &pdev->dev;
	rc = misc_register(&hc->misc);
	if (!rc)
		glass_hc_dev = hc;
	mutex_unlock(&glass_hc_lock);
	if (rc)
		return rc;
	pci_set_drvdata(pdev, hc);
	dev_info(&pdev->dev, "%u channels, BAR0 at %pa: /dev/glass-hc\n",
		 hc->nchannels, &hc->phys);
	return 0;
}

static void glass_hc_remove(struct pci_dev *pdev)
{
	struct glass_hc *hc = pci_get_drvdata(pdev);

	mutex_lock(&glass_hc_lock);
	misc_deregister(&hc->misc);
	glass_hc_dev = NULL;
	mutex_unlock(&glass_hc_lock);
}

static const struct pci_device_id glass_hc_ids[] = {
	{ PCI_DEVICE(GLASS_HC_PCI_VENDOR, GLASS_HC_PCI_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, glass_hc_ids);

static struct pci_driver glass_hc_driver = {
	.name = KBUILD_MODNAME,
	.id_table = glass_hc_ids,
	.probe = glass_hc_probe,
	.remove = glass_hc_remove,
};
module_pci_driver(glass_hc_driver);

MODULE_DESCRIPTION("glass hypercall device: /dev/glass-hc");
MODULE_LICENSE("GPL");
