from django.http import HttpResponse


def job_list(request):
    return HttpResponse("stub")


def job_detail(request, pk):
    return HttpResponse("stub")
