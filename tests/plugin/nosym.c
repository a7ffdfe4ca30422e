/* A shared object that is not a glass plugin. */
int not_a_plugin(void);

int not_a_plugin(void)
{
	return 42;
}
