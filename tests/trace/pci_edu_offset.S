/* pci_edu_offset: for -M virt,pci-bus-offset=0x20000000: edu's BAR0 holds
 * bus address 0x20000000, which the host bridge's window puts at CPU
 * address 0x40000000. Body in pci_edu.h. */
#define BAR_BUS 0x20000000
#include "pci_edu.h"
